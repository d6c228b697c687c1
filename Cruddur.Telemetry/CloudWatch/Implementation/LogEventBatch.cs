using System.Runtime.InteropServices;
using Cruddur.Telemetry.Delivery;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// Builds one PutLogEvents batch: at most 10,000 events and 1,048,576 bytes (message bytes + 26 per event);
/// <see cref="Seal"/> then orders it chronologically and cuts it at 24 h from its first event.
/// </summary>
internal sealed class LogEventBatch : ISinkBatcher<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>>
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

    /// <summary>Empties the batch for reuse (keeps the list's capacity).</summary>
    public void Clear()
    {
        _events.Clear();
        Bytes = 0;
    }

    /// <summary>
    /// Sorts by timestamp (stable, so equal timestamps keep their logging order) and removes every event more
    /// than 24 h after the first; those are returned for a later batch.
    /// </summary>
    public List<CloudWatchLogEvent> Seal()
    {
        var overflow = new List<CloudWatchLogEvent>();
        if (_events.Count == 0)
        {
            return overflow;
        }

        SortByTimestamp(_events);
        var limit = _events[0].Timestamp + (long)CloudWatchLimits.MaxBatchSpan.TotalMilliseconds;
        var cut = _events.Count;
        while (cut > 0 && _events[cut - 1].Timestamp > limit)
        {
            cut--; // sorted: the events past the limit are the last ones
        }

        for (var i = cut; i < _events.Count; i++)
        {
            overflow.Add(_events[i]);
            Bytes -= _events[i].BatchBytes;
        }

        _events.RemoveRange(cut, _events.Count - cut);
        return overflow;
    }

    /// <summary>The sender's view of <see cref="Seal()"/>: the events past 24 h go to <paramref name="later"/>.</summary>
    IReadOnlyList<CloudWatchLogEvent> ISinkBatcher<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>>.Seal(List<CloudWatchLogEvent> later)
    {
        later.AddRange(Seal());
        return _events;
    }

    /// <summary>
    /// Stable sort by timestamp. The queue delivers events in logging order with a few a little late (threads race
    /// between taking the timestamp and enqueueing), so an in-place insertion sort is linear in practice; a budget of
    /// moves keeps a badly shuffled batch from going quadratic: past it, a stable O(n log n) sort finishes the job.
    /// </summary>
    internal static void SortByTimestamp(List<CloudWatchLogEvent> list)
    {
        var events = CollectionsMarshal.AsSpan(list);
        var budget = (8L * events.Length) + 64;
        for (var i = 1; i < events.Length; i++)
        {
            var e = events[i];
            var j = i - 1;
            if (events[j].Timestamp <= e.Timestamp)
            {
                continue;
            }

            // Only strictly later events move past e, so equal timestamps keep their order even if we stop early.
            do
            {
                events[j + 1] = events[j];
                j--;
                budget--;
            }
            while (j >= 0 && events[j].Timestamp > e.Timestamp && budget > 0);

            events[j + 1] = e;
            if (budget <= 0)
            {
                var sorted = list.OrderBy(x => x.Timestamp).ToArray(); // OrderBy is stable
                sorted.CopyTo(events);
                return;
            }
        }
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
