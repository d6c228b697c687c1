namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// The real Cruddur.Silo and Cruddur.Gateway started as processes on 127.0.0.1 with free ports and a cluster id of
/// their own, so several tests can run side by side. Extra environment (sinks) is passed to both.
/// </summary>
public sealed class CruddurCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<ServiceProcess> _processes = [];

    private CruddurCluster(string clusterId, int gatewayPort)
    {
        ClusterId = clusterId;
        GatewayPort = gatewayPort;
    }

    public string ClusterId { get; }
    public int GatewayPort { get; }
    public ServiceProcess Gateway { get; private set; } = null!;
    public IReadOnlyList<ServiceProcess> Silos => _processes.Where(p => p.Name.StartsWith("silo", StringComparison.Ordinal)).ToList();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts one silo (localhost clustering) and the gateway, and waits until both have started.</summary>
    public static async Task<CruddurCluster> StartAsync(
        IReadOnlyDictionary<string, string?>? siloEnvironment = null,
        IReadOnlyDictionary<string, string?>? gatewayEnvironment = null)
    {
        var cluster = new CruddurCluster("test-" + Guid.NewGuid().ToString("N")[..8], FreePort.Tcp());
        try
        {
            var silo = cluster.StartSilo("silo", FreePort.Tcp(), cluster.GatewayPort, siloEnvironment);
            await silo.WaitForOutputAsync("Application started", StartTimeout);
            await cluster.StartGatewayAsync(gatewayEnvironment);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public ServiceProcess StartSilo(string name, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string?>? environment)
    {
        var env = new Dictionary<string, string?>
        {
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
            ["Orleans__SiloPort"] = siloPort.ToString(),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(),
        };
        Merge(env, environment);
        var silo = ServiceProcess.Start(name, "Cruddur.Silo", env);
        _processes.Add(silo);
        return silo;
    }

    private async Task StartGatewayAsync(IReadOnlyDictionary<string, string?>? environment)
    {
        var httpPort = FreePort.Tcp();
        var env = new Dictionary<string, string?>
        {
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
            ["Orleans__GatewayPort"] = GatewayPort.ToString(),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
        };
        Merge(env, environment);
        Gateway = ServiceProcess.Start("gateway", "Cruddur.Gateway", env);
        _processes.Add(Gateway);
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        await Gateway.WaitForOutputAsync("Application started", StartTimeout);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The environment that sends both processes' telemetry to an OTLP/HTTP endpoint, flushed quickly.</summary>
    public static Dictionary<string, string?> OtlpTo(string endpoint) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
    };

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?>? extra)
    {
        if (extra is null)
        {
            return;
        }

        foreach (var (key, value) in extra)
        {
            target[key] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }
    }
}
