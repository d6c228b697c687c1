using System.Diagnostics.Metrics;

namespace Cruddur.Telemetry;

/// <summary>
/// Telemetry about telemetry: every sink counts what it exported, dropped, retried and trimmed on one meter
/// (<see cref="TelemetryNames.SinkMeter"/>), tagged <c>sink</c> = xray | cloudwatch | rollbar, and
/// <c>reason</c> for drops. The counts are also kept in-process so tests and soaks can read them directly.
/// </summary>
public sealed class SinkMetrics
{
    private static readonly Meter Meter = new(TelemetryNames.SinkMeter, "1.0.0");
    private static readonly Counter<long> ExportedCounter = Meter.CreateCounter<long>("cruddur.telemetry.exported", "{item}", "Items a sink delivered.");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>("cruddur.telemetry.dropped", "{item}", "Items a sink gave up on.");
    private static readonly Counter<long> RetriedCounter = Meter.CreateCounter<long>("cruddur.telemetry.retried", "{request}", "Requests a sink sent again.");
    private static readonly Counter<long> TrimmedCounter = Meter.CreateCounter<long>("cruddur.telemetry.trimmed", "{item}", "Items a sink shortened to fit a size limit.");

    private readonly KeyValuePair<string, object?> _sinkTag;
    private long _exported, _dropped, _retried, _trimmed;

    public SinkMetrics(string sink, Func<long>? queueLength = null)
    {
        Sink = sink;
        _sinkTag = new("sink", sink);
        if (queueLength is not null)
        {
            Meter.CreateObservableGauge($"cruddur.telemetry.{sink}.queue_length", queueLength, "{item}", "Items waiting in the sink's queue.");
        }
    }

    public string Sink { get; }
    public long Exported => Interlocked.Read(ref _exported);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Retried => Interlocked.Read(ref _retried);
    public long Trimmed => Interlocked.Read(ref _trimmed);

    public void AddExported(long count = 1)
    {
        Interlocked.Add(ref _exported, count);
        ExportedCounter.Add(count, _sinkTag);
    }

    /// <param name="reason">queue_full, rejected, send_failed, too_large, shutdown, ...</param>
    public void AddDropped(string reason, long count = 1)
    {
        Interlocked.Add(ref _dropped, count);
        DroppedCounter.Add(count, _sinkTag, new("reason", reason));
    }

    public void AddRetried(long count = 1)
    {
        Interlocked.Add(ref _retried, count);
        RetriedCounter.Add(count, _sinkTag);
    }

    public void AddTrimmed(long count = 1)
    {
        Interlocked.Add(ref _trimmed, count);
        TrimmedCounter.Add(count, _sinkTag);
    }
}
