namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>One attribute kept as a dimension, under a CloudWatch-style name, through a bounding function.</summary>
internal sealed record EmfDimensionRule(string Dimension, string Attribute, Func<object?, string> Value);

/// <summary>
/// A metric CloudWatch receives: its name, the attributes kept as dimensions (every other attribute is summed
/// away), whether it is per process (<c>Host</c>), and the dimension sets CloudWatch aggregates it under. Every
/// metric also carries <c>Service</c> (<c>OTEL_SERVICE_NAME</c>).
/// </summary>
internal sealed record EmfMetricRule(string Name, bool PerHost, IReadOnlyList<EmfDimensionRule> Dimensions, IReadOnlyList<IReadOnlyList<string>> Sets);

/// <summary>
/// The short, documented list of what goes to CloudWatch as EMF (README, "The sinks"). Anything else the process
/// measures still goes to OTLP/Honeycomb; CloudWatch bills every metric × dimension combination, so only these,
/// with dimensions whose values come from small fixed sets (<see cref="EmfDimensionValues"/>).
/// </summary>
internal static class EmfAllowList
{
    public const string Service = "Service";
    public const string Host = "Host";

    private static readonly EmfDimensionRule Route = new("Route", "http.route", EmfDimensionValues.Route);
    private static readonly EmfDimensionRule Method = new("Method", "http.request.method", EmfDimensionValues.Method);
    private static readonly EmfDimensionRule StatusClass = new("StatusClass", "http.response.status_code", EmfDimensionValues.StatusClass);
    private static readonly EmfDimensionRule GrainType = new("GrainType", "type", EmfDimensionValues.Named);
    private static readonly EmfDimensionRule Generation = new("Generation", "gc.heap.generation", EmfDimensionValues.Named);
    private static readonly EmfDimensionRule Sink = new("Sink", "sink", EmfDimensionValues.Named);
    private static readonly EmfDimensionRule Reason = new("Reason", "reason", EmfDimensionValues.Named);

    /// <summary>Rate, errors and latency of every route: per route, method and status class; per route (latency
    /// percentiles of a route); per status class (the service's 5xx).</summary>
    public static readonly EmfMetricRule HttpServerDuration = new("http.server.request.duration", PerHost: false,
        [Route, Method, StatusClass],
        [[Service, "Route", "Method", "StatusClass"], [Service, "Route"], [Service, "StatusClass"]]);

    private static readonly IReadOnlyList<IReadOnlyList<string>> PerProcess = [[Service, Host]];

    private static readonly Dictionary<string, EmfMetricRule> Exact = new[]
    {
        HttpServerDuration,

        // Orleans (meter Microsoft.Orleans): messages dispatched to grains (the grain calls a silo receives, Orleans'
        // own system traffic included) and activations, per silo.
        PerHostRule("orleans-messaging-processing-dispatcher-received"),
        PerHostRule("orleans-catalog-activations"),
        PerHostRule("orleans-catalog-activation-created"),
        new EmfMetricRule("orleans-grains", PerHost: true, [GrainType], [[Service, Host, "GrainType"], [Service, Host]]),

        // .NET runtime (meter System.Runtime): GC and thread pool.
        new EmfMetricRule("dotnet.gc.collections", PerHost: true, [Generation], [[Service, Host, "Generation"]]),
        PerHostRule("dotnet.gc.pause.time"),
        PerHostRule("dotnet.gc.heap.total_allocated"),
        new EmfMetricRule("dotnet.gc.last_collection.heap.size", PerHost: true, [Generation], [[Service, Host], [Service, Host, "Generation"]]),
        PerHostRule("dotnet.thread_pool.thread.count"),
        PerHostRule("dotnet.thread_pool.queue.length"),
        PerHostRule("dotnet.thread_pool.work_item.count"),
        PerHostRule("dotnet.process.memory.working_set"),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>The sinks' own counters and queue gauges (meter Cruddur.Telemetry, <see cref="SinkMetrics"/>).</summary>
    private const string SinkPrefix = "cruddur.telemetry.";

    public static IEnumerable<string> Names => Exact.Keys.Append(SinkPrefix + "*");

    public static EmfMetricRule? Find(string metricName)
    {
        if (Exact.TryGetValue(metricName, out var rule))
        {
            return rule;
        }

        return metricName.StartsWith(SinkPrefix, StringComparison.Ordinal)
            ? new EmfMetricRule(metricName, PerHost: true, [Sink, Reason], [[Service, Host, "Sink"]])
            : null;
    }

    private static EmfMetricRule PerHostRule(string name) => new(name, PerHost: true, [], PerProcess);
}
