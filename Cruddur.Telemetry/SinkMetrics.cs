using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Cruddur.Telemetry.Delivery;

namespace Cruddur.Telemetry;

/// <summary>
/// Telemetry about telemetry: every sink counts what it exported, dropped, retried and trimmed on one meter
/// (<see cref="TelemetryNames.SinkMeter"/>), tagged <c>sink</c> = xray | cloudwatch | rollbar | console, and
/// <c>reason</c> (<see cref="DropReason"/>) for drops. The counts are also kept in-process so tests and soaks can read
/// them directly. Where DI exists the meter comes from <see cref="IMeterFactory"/> (<see cref="SinkMeter"/>).
/// </summary>
internal sealed class SinkMetrics
{
    /// <summary>For sinks made without a service provider (tests, benchmarks).</summary>
    private static readonly Meter FallbackMeter = new(TelemetryNames.SinkMeter, "1.0.0");

    /// <summary>The counters of each meter, made once: every sink on a meter shares them (tagged by sink).</summary>
    private static readonly ConditionalWeakTable<Meter, Counters> CountersOf = new();

    private readonly Meter _meter;
    private readonly Counters _counters;
    private readonly KeyValuePair<string, object?> _sinkTag;
    private long _exported, _dropped, _retried, _trimmed;

    public SinkMetrics(string sink, Meter? meter = null)
    {
        Sink = sink;
        _meter = meter ?? FallbackMeter;
        _sinkTag = new("sink", sink);
        _counters = CountersOf.GetValue(_meter, static m => new Counters(m));
    }

    public string Sink { get; }
    public long Exported => Interlocked.Read(ref _exported);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Retried => Interlocked.Read(ref _retried);
    public long Trimmed => Interlocked.Read(ref _trimmed);

    /// <summary>Publishes the sink's queue length as <c>cruddur.telemetry.{sink}.queue_length</c>.</summary>
    public void ObserveQueueLength(Func<long> queueLength) =>
        _meter.CreateObservableGauge($"cruddur.telemetry.{Sink}.queue_length", queueLength, "{item}", "Items waiting in the sink's queue.");

    public void AddExported(long count = 1)
    {
        Interlocked.Add(ref _exported, count);
        _counters.Exported.Add(count, _sinkTag);
    }

    public void AddDropped(DropReason reason, long count = 1)
    {
        Interlocked.Add(ref _dropped, count);
        _counters.Dropped.Add(count, _sinkTag, new("reason", reason.Tag()));
    }

    public void AddRetried(long count = 1)
    {
        Interlocked.Add(ref _retried, count);
        _counters.Retried.Add(count, _sinkTag);
    }

    public void AddTrimmed(long count = 1)
    {
        Interlocked.Add(ref _trimmed, count);
        _counters.Trimmed.Add(count, _sinkTag);
    }

    private sealed class Counters(Meter meter)
    {
        public Counter<long> Exported { get; } = meter.CreateCounter<long>("cruddur.telemetry.exported", "{item}", "Items a sink delivered.");
        public Counter<long> Dropped { get; } = meter.CreateCounter<long>("cruddur.telemetry.dropped", "{item}", "Items a sink gave up on.");
        public Counter<long> Retried { get; } = meter.CreateCounter<long>("cruddur.telemetry.retried", "{request}", "Requests a sink sent again.");
        public Counter<long> Trimmed { get; } = meter.CreateCounter<long>("cruddur.telemetry.trimmed", "{item}", "Items a sink shortened to fit a size limit.");
    }
}

/// <summary>The sinks' meter, made by the host's <see cref="IMeterFactory"/> (registered as a singleton where DI exists).</summary>
internal sealed class SinkMeter(IMeterFactory factory)
{
    public Meter Meter { get; } = factory.Create(TelemetryNames.SinkMeter, "1.0.0");
}
