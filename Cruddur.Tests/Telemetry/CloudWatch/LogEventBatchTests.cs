using System.Text;
using Cruddur.Telemetry.CloudWatch;

namespace Cruddur.Tests.Telemetry.CloudWatch;

public class LogEventBatchTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-28T14:00:00Z").ToUnixTimeMilliseconds();

    private static CloudWatchLogEvent E(long t, string m = "x") => new(t, m);

    [Fact]
    public void Batches_hold_at_most_10000_events()
    {
        var batches = LogEventBatch.Split(Enumerable.Range(0, 25_000).Select(i => E(T0 + i)));

        Assert.Equal([10_000, 10_000, 5_000], batches.Select(b => b.Count));
    }

    [Fact]
    public void Batch_bytes_count_26_bytes_of_overhead_per_event()
    {
        var message = new string('a', 1000); // 1,026 bytes each with overhead
        var batches = LogEventBatch.Split(Enumerable.Range(0, 2000).Select(i => E(T0, message)));

        // 1,048,576 / 1,026 = 1,022.0…: 1,022 fit; without the overhead it would be 1,048.
        Assert.Equal(1022, batches[0].Count);
        Assert.All(batches, b => Assert.True(b.Sum(e => e.Utf8Bytes + 26L) <= 1_048_576));
        Assert.Equal(2000, batches.Sum(b => b.Count));
    }

    [Fact]
    public void A_batch_may_be_exactly_1048576_bytes_but_not_one_more()
    {
        // 4 events of 262,118 bytes + 26 = 4 × 262,144 = 1,048,576 exactly.
        var big = new string('b', CloudWatchLimits.MaxMessageBytes);
        Assert.Single(LogEventBatch.Split(Enumerable.Repeat(E(T0, big), 4)));

        var oneMore = Enumerable.Repeat(E(T0, big), 3).Append(E(T0, big + "!"));
        Assert.Equal(2, LogEventBatch.Split(oneMore).Count);
    }

    [Fact]
    public void Byte_size_is_utf8_not_chars()
    {
        var e = E(T0, "é€😀"); // 2 + 3 + 4 bytes
        Assert.Equal(9, e.Utf8Bytes);
        Assert.Equal(35, e.BatchBytes);
    }

    [Fact]
    public void A_batch_spans_at_most_24_hours()
    {
        var day = (long)TimeSpan.FromHours(24).TotalMilliseconds;
        var batches = LogEventBatch.Split([E(T0 + day + 1), E(T0), E(T0 + day), E(T0 + 3_600_000)]);

        Assert.Equal(2, batches.Count);
        Assert.Equal([T0, T0 + 3_600_000, T0 + day], batches[0].Select(e => e.Timestamp));
        Assert.Equal([T0 + day + 1], batches[1].Select(e => e.Timestamp));
        Assert.All(batches, b => Assert.True(b[^1].Timestamp - b[0].Timestamp <= day));
    }

    [Fact]
    public void Events_are_sent_in_chronological_order_and_equal_timestamps_keep_logging_order()
    {
        var batches = LogEventBatch.Split([E(T0 + 5, "c"), E(T0, "a1"), E(T0 + 9, "d"), E(T0, "a2"), E(T0 + 1, "b")]);

        Assert.Equal(["a1", "a2", "b", "c", "d"], Assert.Single(batches).Select(e => e.Message));
    }

    [Fact]
    public void An_oversize_event_is_truncated_with_a_marker_not_dropped()
    {
        var huge = new string('z', 300_000);
        var e = LogRecordFormatter.Create(T0, huge);

        Assert.Equal(CloudWatchLimits.MaxMessageBytes, e.Utf8Bytes);
        Assert.EndsWith(CloudWatchLimits.TruncationMarker, e.Message);
        Assert.StartsWith("zzzz", e.Message);
    }

    [Fact]
    public void Truncation_counts_multibyte_characters_and_never_splits_a_surrogate_pair()
    {
        var huge = string.Concat(Enumerable.Repeat("😀é", 60_000)); // 6 bytes per 3 chars, 360,000 bytes
        var e = LogRecordFormatter.Create(T0, huge);

        Assert.True(e.Utf8Bytes <= CloudWatchLimits.MaxMessageBytes);
        Assert.True(e.Utf8Bytes > CloudWatchLimits.MaxMessageBytes - 8);
        Assert.EndsWith(CloudWatchLimits.TruncationMarker, e.Message);
        var kept = e.Message[..^CloudWatchLimits.TruncationMarker.Length];
        Assert.False(char.IsHighSurrogate(kept[^1]));
        Assert.Equal(kept, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(kept))); // round-trips: no broken pair
    }

    [Fact]
    public void An_event_at_the_limit_is_left_alone()
    {
        var exact = new string('q', CloudWatchLimits.MaxMessageBytes);
        var e = LogRecordFormatter.Create(T0, exact);

        // The event keeps its message as UTF-8 JSON, so this is an equal string now, not the same instance.
        Assert.Equal(CloudWatchLimits.MaxMessageBytes, e.Utf8Bytes);
        Assert.Equal(exact, e.Message);
    }

    [Fact]
    public void A_shuffled_batch_is_sorted_stably_past_the_insertion_sort_budget()
    {
        // Descending timestamps in equal pairs: far more moves than the insertion sort's budget, so the fallback sorts.
        var events = Enumerable.Range(0, 5000).Select(i => E(T0 + ((4999 - i) / 2), i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var batch = Assert.Single(LogEventBatch.Split(events));

        Assert.Equal(events.OrderBy(e => e.Timestamp).Select(e => e.Message), batch.Select(e => e.Message));
    }

    [Fact]
    public void Events_with_the_same_timestamp_and_message_are_equal()
    {
        Assert.Equal(E(T0, "same"), E(T0, "same"));
        Assert.Equal(E(T0, "same").GetHashCode(), E(T0, "same").GetHashCode());
        Assert.NotEqual(E(T0, "same"), E(T0, "other"));
        Assert.NotEqual(E(T0, "same"), E(T0 + 1, "same"));
    }
}
