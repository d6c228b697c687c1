namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// A throw-away redis-server (Debian's package) on a free 127.0.0.1 port. By default nothing is persisted; a
/// persistent one keeps an append-only file in a temporary folder, so it can be stopped and started again with its data.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string? _dataDirectory;
    private ServiceProcess _process = null!;

    private RedisServer(int port, string? dataDirectory)
    {
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var server = new RedisServer(FreePort.Tcp(), persistent ? Directory.CreateTempSubdirectory("cruddur-redis-").FullName : null);
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: every connection to it breaks at once.</summary>
    public async Task StopAsync() => await _process.DisposeAsync();

    /// <summary>Starts it again on the same port (with its data when persistent).</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        List<string> arguments = ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", ""];
        arguments.AddRange(_dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDirectory]);
        _process = ServiceProcess.StartCommand("redis", "redis-server", arguments);
        await _process.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
