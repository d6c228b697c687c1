namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// Builds one PutLogEvents batch: at most 10,000 events and 1,048,576 bytes (message bytes + 26 per event);
/// <see cref="Seal"/> then orders it chronologically and cuts it at 24 h from its first event.
/// </summary>
internal sealed class LogEventBatch
{
    private readonly List<CloudWatchLogEvent> _events = [];

    public int MaxEvents { get; init; } = CloudWatchLimits.MaxEventsPerBatch;
    public int MaxBytes { get; init; } = CloudWatchLimits.MaxBatchBytes;

    public IReadOnlyList<CloudWatchLogEvent> Events => _events;
    public int Count => _events.Count;
    public long Bytes { get; private set; }

    /// <summary>Adds <paramref name="e"/> if the batch still has room for it (an empty batch takes any event:
    /// events are truncated to <see cref="CloudWatchLimits.MaxMessageBytes"/> before they get here).</summary>
    public bool TryAdd(CloudWatchLogEvent e)
    {
        if (_events.Count > 0 && (_events.Count >= MaxEvents || Bytes + e.BatchBytes > MaxBytes))
        {
            return false;
        }

        _events.Add(e);
        Bytes += e.BatchBytes;
        return true;
    }

    /// <summary>
    /// Sorts by timestamp (stable, so equal timestamps keep their logging order) and removes every event more
    /// than 24 h after the first; those are returned for a later batch.
    /// </summary>
    public List<CloudWatchLogEvent> Seal()
    {
        var sorted = _events.Index().OrderBy(x => x.Item.Timestamp).ThenBy(x => x.Index).Select(x => x.Item).ToList();
        _events.Clear();
        Bytes = 0;
        var overflow = new List<CloudWatchLogEvent>();
        if (sorted.Count == 0)
        {
            return overflow;
        }

        var limit = sorted[0].Timestamp + (long)CloudWatchLimits.MaxBatchSpan.TotalMilliseconds;
        foreach (var e in sorted)
        {
            if (e.Timestamp > limit)
            {
                overflow.Add(e);
            }
            else
            {
                _events.Add(e);
                Bytes += e.BatchBytes;
            }
        }

        return overflow;
    }

    /// <summary>Splits <paramref name="events"/> into batches that each obey every limit (the sender's rule, in one call).</summary>
    public static List<IReadOnlyList<CloudWatchLogEvent>> Split(IEnumerable<CloudWatchLogEvent> events, int maxEvents = CloudWatchLimits.MaxEventsPerBatch, int maxBytes = CloudWatchLimits.MaxBatchBytes)
    {
        var result = new List<IReadOnlyList<CloudWatchLogEvent>>();
        var pending = new Queue<CloudWatchLogEvent>(events);
        while (pending.Count > 0)
        {
            var batch = new LogEventBatch { MaxEvents = maxEvents, MaxBytes = maxBytes };
            while (pending.TryPeek(out var next) && batch.TryAdd(next))
            {
                pending.Dequeue();
            }

            var overflow = batch.Seal();
            result.Add(batch.Events.ToList());
            pending = new Queue<CloudWatchLogEvent>(overflow.Concat(pending));
        }

        return result;
    }
}
