namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// Cumulative sums and histograms to per-interval deltas, per series (metric name + every attribute), as the
/// awsemfexporter does for cumulative sums (exporter/awsemfexporter, datapoint.go in
/// https://github.com/open-telemetry/opentelemetry-collector-contrib). Two differences, both because this exporter
/// lives in the process whose meters it reads and so has seen every point since the series' start time:
/// <list type="bullet">
/// <item>the first point of a series is kept whole (the collector drops it, not knowing what came before);</item>
/// <item>a reset — a new start time, or a value (or histogram count) smaller than the last one — starts the series
/// again: the delta is the new cumulative value, never negative.</item>
/// </list>
/// Series not seen in an export are forgotten, so the state is bounded by what the SDK itself still reports.
/// </summary>
internal sealed class CumulativeDeltas
{
    private readonly Dictionary<string, SumState> _sums = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HistogramState> _histograms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public int SeriesCount => _sums.Count + _histograms.Count;

    /// <summary>The increase of a cumulative sum since its previous point.</summary>
    public double Sum(string series, double cumulative, DateTimeOffset start)
    {
        _seen.Add(series);
        var delta = _sums.TryGetValue(series, out var previous) && previous.Start == start && cumulative >= previous.Value
            ? cumulative - previous.Value
            : cumulative; // first point, or the counter restarted from zero
        _sums[series] = new SumState(cumulative, start);
        return delta;
    }

    /// <summary>The samples a cumulative histogram gained since its previous point: count, sum and bucket counts.</summary>
    public HistogramDelta Histogram(string series, long count, double sum, long[] bucketCounts, DateTimeOffset start)
    {
        _seen.Add(series);
        HistogramDelta delta;
        if (_histograms.TryGetValue(series, out var previous) && previous.Start == start && count >= previous.Count
            && previous.Buckets.Length == bucketCounts.Length && !AnyBucketShrank(previous.Buckets, bucketCounts))
        {
            var buckets = new long[bucketCounts.Length];
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] = bucketCounts[i] - previous.Buckets[i];
            }

            delta = new HistogramDelta(count - previous.Count, Math.Max(0, sum - previous.Sum), buckets);
        }
        else
        {
            delta = new HistogramDelta(count, sum, (long[])bucketCounts.Clone());
        }

        _histograms[series] = new HistogramState(count, sum, (long[])bucketCounts.Clone(), start);
        return delta;
    }

    /// <summary>Forgets every series not seen since the previous call.</summary>
    public void EndExport()
    {
        Forget(_sums);
        Forget(_histograms);
        _seen.Clear();
    }

    private void Forget<T>(Dictionary<string, T> states)
    {
        foreach (var key in states.Keys.Where(k => !_seen.Contains(k)).ToList())
        {
            states.Remove(key);
        }
    }

    private static bool AnyBucketShrank(long[] previous, long[] current)
    {
        for (var i = 0; i < current.Length; i++)
        {
            if (current[i] < previous[i])
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct SumState(double Value, DateTimeOffset Start);

    private sealed record HistogramState(long Count, double Sum, long[] Buckets, DateTimeOffset Start);
}

/// <summary>What a histogram gained in one interval.</summary>
internal sealed record HistogramDelta(long Count, double Sum, long[] BucketCounts);
