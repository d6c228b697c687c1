namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// The real Cruddur.Silo and Cruddur.Gateway started as processes on 127.0.0.1 with free ports and a cluster id of
/// their own, so several tests can run side by side. Extra environment (sinks) is passed to both.
/// </summary>
public sealed class CruddurCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<ServiceProcess> _processes = [];
    private string? _workingDirectory;

    private CruddurCluster(string clusterId, int gatewayPort)
    {
        ClusterId = clusterId;
        GatewayPort = gatewayPort;
    }

    public string ClusterId { get; }
    public int GatewayPort { get; }
    public ServiceProcess Gateway { get; private set; } = null!;
    /// <summary>The silo processes still running.</summary>
    public IReadOnlyList<ServiceProcess> Silos =>
        _processes.Where(p => p.Name.StartsWith("silo", StringComparison.Ordinal) && !p.HasExited).ToList();
    /// <summary>Every silo process started, running or not (their output stays readable).</summary>
    public IReadOnlyList<ServiceProcess> SiloProcesses =>
        _processes.Where(p => p.Name.StartsWith("silo", StringComparison.Ordinal)).ToList();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// Starts one silo (localhost clustering) and the gateway, and waits until both have started; from their output
    /// folders, or both from <paramref name="workingDirectory"/>.
    /// </summary>
    public static async Task<CruddurCluster> StartAsync(
        IReadOnlyDictionary<string, string?>? siloEnvironment = null,
        IReadOnlyDictionary<string, string?>? gatewayEnvironment = null,
        string? workingDirectory = null)
    {
        var cluster = new CruddurCluster("test-" + Guid.NewGuid().ToString("N")[..8], FreePort.Tcp())
        {
            _workingDirectory = workingDirectory,
        };
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

    /// <summary>The gateway alone, with no silo up yet (localhost clustering); <see cref="StartLocalSiloAsync"/> adds one.</summary>
    public static async Task<CruddurCluster> StartGatewayAloneAsync()
    {
        var cluster = new CruddurCluster("test-" + Guid.NewGuid().ToString("N")[..8], FreePort.Tcp());
        try
        {
            await cluster.StartGatewayAsync(null, waitFor: "Now listening on");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or starts again, on the same ports) the one localhost silo of a cluster from <see cref="StartAsync"/>.</summary>
    public async Task<ServiceProcess> StartLocalSiloAsync(string name = "silo")
    {
        var silo = StartSilo(name, _siloPorts.GetValueOrDefault(name, FreePort.Tcp()), GatewayPort, null);
        await silo.WaitForOutputAsync("Application started", StartTimeout);
        return silo;
    }

    /// <summary>
    /// The compose topology as processes: <paramref name="silos"/> silos with Redis clustering and storage, and the
    /// gateway finding them through Redis.
    /// </summary>
    public static async Task<CruddurCluster> StartWithRedisAsync(
        RedisServer redis, int silos = 2, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cluster = new CruddurCluster("test-" + Guid.NewGuid().ToString("N")[..8], gatewayPort: 0);
        var env = new Dictionary<string, string?>
        {
            // No Orleans__AdvertisedIPAddress: a silo picks it (loopback, as Redis is), as one started by hand does.
            ["ConnectionStrings__redis"] = redis.ConnectionString,
        };
        Merge(env, environment);
        cluster.RedisEnvironment = env;
        try
        {
            var started = Enumerable.Range(1, silos)
                .Select(i => cluster.StartSilo($"silo{i}", FreePort.Tcp(), FreePort.Tcp(), env))
                .ToList();
            await Task.WhenAll(started.Select(s => s.WaitForOutputAsync("Application started", StartTimeout)));
            await WaitForActiveSilosAsync(redis, cluster.ClusterId, silos);
            await cluster.StartGatewayAsync(env);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Until the cluster's membership lists every silo as active: a silo that has started may not yet be in the view
    /// of the others, which would then place every new grain on themselves (a busy CI box showed it).
    /// </summary>
    private static async Task WaitForActiveSilosAsync(RedisServer redis, string clusterId, int silos)
    {
        await using var admin = await TestClusterClient.ConnectAsync(redis, clusterId);
        using var deadline = new CancellationTokenSource(StartTimeout);
        while ((await admin.Management.GetHosts(onlyActive: true)).Count < silos)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    /// <summary>The environment every process of a Redis cluster got (for starting more silos).</summary>
    public IReadOnlyDictionary<string, string?>? RedisEnvironment { get; private set; }

    /// <summary>The silo port each silo process was given, by process name.</summary>
    public IReadOnlyDictionary<string, int> SiloPorts => _siloPorts;

    private readonly Dictionary<string, int> _siloPorts = [];

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
        var silo = ServiceProcess.Start(name, "Cruddur.Silo", env, _workingDirectory);
        _processes.Add(silo);
        _siloPorts[name] = siloPort;
        _siloGatewayPorts[name] = gatewayPort;
        return silo;
    }

    /// <summary>Starts a silo of a Redis cluster again, as it was (same name, ports and environment), after it died.</summary>
    public async Task<ServiceProcess> RestartSiloAsync(string name)
    {
        var silo = StartSilo(name, _siloPorts[name], _siloGatewayPorts[name], RedisEnvironment);
        await silo.WaitForOutputAsync("Application started", StartTimeout);
        return silo;
    }

    private readonly Dictionary<string, int> _siloGatewayPorts = [];

    private async Task StartGatewayAsync(IReadOnlyDictionary<string, string?>? environment, string waitFor = "Application started")
    {
        var httpPort = FreePort.Tcp();
        var env = new Dictionary<string, string?>
        {
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
            ["Orleans__GatewayPort"] = GatewayPort.ToString(),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["Cruddur__TrustCallerHeader"] = "true",
        };
        Merge(env, environment);
        Gateway = ServiceProcess.Start("gateway", "Cruddur.Gateway", env, _workingDirectory);
        _processes.Add(Gateway);
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        await Gateway.WaitForOutputAsync(waitFor, StartTimeout);
    }

    /// <summary>
    /// A client whose requests carry exactly the trace headers the test sets: with no propagator, the test process's
    /// own HttpClient instrumentation (alive while any in-process gateway test runs) cannot replace a test's
    /// <c>traceparent</c> with a trace of its own.
    /// </summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>The environment that sends both processes' telemetry to an OTLP/HTTP endpoint, flushed quickly.</summary>
    public static Dictionary<string, string?> OtlpTo(string endpoint) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        // A busy 2-core CI box can be slow to answer: wait longer and retry instead of dropping a batch.
        ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "30000",
        ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
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
