namespace Cruddur.Tests.Infrastructure;

/// <summary>A throw-away redis-server (Debian's package) on a free 127.0.0.1 port, nothing persisted.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private RedisServer(ServiceProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePort.Tcp();
        var process = ServiceProcess.StartCommand("redis", "redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var server = new RedisServer(process, port);
        try
        {
            await process.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
