using Cruddur.Telemetry.CloudWatch.Emf;

namespace Cruddur.Tests.Telemetry.CloudWatch.Emf;

public sealed class CumulativeDeltasTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_cumulative_sum_becomes_the_increase_since_the_previous_export()
    {
        var deltas = new CumulativeDeltas();
        Assert.Equal(5, deltas.Sum("requests", 5, Start)); // first point: everything since the start time
        deltas.EndExport();
        Assert.Equal(3, deltas.Sum("requests", 8, Start));
        deltas.EndExport();
        Assert.Equal(0, deltas.Sum("requests", 8, Start));
    }

    [Fact]
    public void A_reset_to_a_smaller_value_is_a_restart_and_never_a_negative_delta()
    {
        var deltas = new CumulativeDeltas();
        deltas.Sum("requests", 100, Start);
        deltas.EndExport();

        Assert.Equal(4, deltas.Sum("requests", 4, Start)); // the counter restarted: 4 since then, not -96
        deltas.EndExport();
        Assert.Equal(2, deltas.Sum("requests", 6, Start));
    }

    [Fact]
    public void A_new_start_time_restarts_the_series_even_when_the_value_is_larger()
    {
        var deltas = new CumulativeDeltas();
        deltas.Sum("requests", 10, Start);
        deltas.EndExport();

        Assert.Equal(12, deltas.Sum("requests", 12, Start.AddMinutes(5)));
    }

    [Fact]
    public void Series_are_independent_and_forgotten_when_no_longer_reported()
    {
        var deltas = new CumulativeDeltas();
        deltas.Sum("a", 10, Start);
        deltas.Sum("b", 1, Start);
        deltas.EndExport();
        Assert.Equal(2, deltas.SeriesCount);

        Assert.Equal(5, deltas.Sum("a", 15, Start));
        deltas.EndExport();
        Assert.Equal(1, deltas.SeriesCount);
        Assert.Equal(7, deltas.Sum("b", 7, Start)); // b was forgotten: seen again, it counts whole
    }

    [Fact]
    public void A_cumulative_histogram_becomes_the_samples_of_the_interval_and_a_restart_is_not_negative()
    {
        var deltas = new CumulativeDeltas();
        var first = deltas.Histogram("latency", 4, 2.0, [1, 3, 0], Start);
        Assert.Equal((4L, 2.0), (first.Count, first.Sum));
        deltas.EndExport();

        var second = deltas.Histogram("latency", 7, 3.5, [1, 5, 1], Start);
        Assert.Equal((3L, 1.5), (second.Count, second.Sum));
        Assert.Equal([0L, 2, 1], second.BucketCounts);
        deltas.EndExport();

        var restarted = deltas.Histogram("latency", 2, 0.2, [2, 0, 0], Start);
        Assert.Equal((2L, 0.2), (restarted.Count, restarted.Sum));
        Assert.Equal([2L, 0, 0], restarted.BucketCounts);
        Assert.All(restarted.BucketCounts, c => Assert.True(c >= 0));
    }
}
