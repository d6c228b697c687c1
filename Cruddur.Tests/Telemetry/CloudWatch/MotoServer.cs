using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cruddur.Telemetry.CloudWatch;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>
/// moto_server on 127.0.0.1: the one given in <c>MOTO_ENDPOINT</c> (as .ci/run does), else started here on a free
/// port and stopped afterwards. Readiness is moto's own "Running on" line, not a sleep.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("MOTO_ENDPOINT") is { Length: > 0 } given)
        {
            Endpoint = new Uri(given);
            return;
        }

        var port = FreePort();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = new Process { StartInfo = start };
        DataReceivedEventHandler watch = (_, e) =>
        {
            if (e.Data?.Contains("Running on", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.OutputDataReceived += watch;
        _process.ErrorDataReceived += watch;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("moto_server exited during start-up"));
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    internal CloudWatchLogsClient Client() => new(Endpoint, "us-east-1",
        _ => ValueTask.FromResult(CloudWatchTestSink.ExampleCredentials), TimeProvider.System, TimeSpan.FromSeconds(10));

    /// <summary>GetLogEvents (from the start of the stream), read back over our own signed client.</summary>
    public async Task<List<JsonElement>> ReadAsync(string group, string stream)
    {
        using var client = Client();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { logGroupName = group, logStreamName = stream, startFromHead = true });
        var response = await client.SendAsync("GetLogEvents", body, CancellationToken.None);
        Assert.True(response.IsSuccess, $"GetLogEvents: {response.StatusCode} {response.ErrorCode} {response.ErrorMessage}");
        using var doc = JsonDocument.Parse(response.Body);
        return doc.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("message").GetString()!).RootElement.Clone())
            .ToList();
    }

    public async Task<List<string>> StreamsAsync(string group)
    {
        using var client = Client();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { logGroupName = group });
        var response = await client.SendAsync("DescribeLogStreams", body, CancellationToken.None);
        Assert.True(response.IsSuccess, $"DescribeLogStreams: {response.StatusCode} {response.ErrorCode} {response.ErrorMessage}");
        using var doc = JsonDocument.Parse(response.Body);
        return doc.RootElement.GetProperty("logStreams").EnumerateArray().Select(s => s.GetProperty("logStreamName").GetString()!).ToList();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
