using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// OpenTelemetry metrics (cumulative, as a periodic reader collects them) to <see cref="EmfDatum"/>s, keeping only
/// <see cref="EmfAllowList"/>'s metrics and dimensions: gauges and non-monotonic sums as their value, monotonic sums as
/// the delta since the previous export, histograms as the samples of the interval — statistic set plus one
/// representative value per non-empty bucket. Points that differ only in attributes that are not kept are summed.
/// Stateful (the deltas): one instance per reader, called from the reader's export thread only.
/// </summary>
internal sealed class EmfMetricConverter(string service, string host)
{
    private readonly CumulativeDeltas _deltas = new();

    public string Service { get; } = service;
    public string Host { get; } = host;

    public List<EmfDatum> Convert(IEnumerable<Metric> metrics)
    {
        var accumulators = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var order = new List<Accumulator>();
        var series = new StringBuilder();
        foreach (var metric in metrics)
        {
            if (EmfAllowList.Find(metric.Name) is not { } rule)
            {
                continue;
            }

            var unit = EmfUnits.ToCloudWatch(metric.Unit);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var dimensions = Dimensions(rule, point.Tags);
                var key = metric.Name + "\u0000" + string.Join('\u0001', dimensions.Select(d => d.Value));
                if (!accumulators.TryGetValue(key, out var acc))
                {
                    accumulators[key] = acc = new Accumulator(rule, unit, dimensions);
                    order.Add(acc);
                }

                var seriesKey = SeriesKey(series, metric.Name, point.Tags);
                switch (metric.MetricType)
                {
                    case MetricType.LongSum:
                        acc.AddNumber(Delta(metric, seriesKey, point.GetSumLong(), point.StartTime));
                        break;
                    case MetricType.DoubleSum:
                        acc.AddNumber(Delta(metric, seriesKey, point.GetSumDouble(), point.StartTime));
                        break;
                    case MetricType.LongSumNonMonotonic:
                        acc.AddNumber(point.GetSumLong());
                        break;
                    case MetricType.DoubleSumNonMonotonic:
                        acc.AddNumber(point.GetSumDouble());
                        break;
                    case MetricType.LongGauge:
                        acc.AddNumber(point.GetGaugeLastValueLong());
                        break;
                    case MetricType.DoubleGauge:
                        acc.AddNumber(point.GetGaugeLastValueDouble());
                        break;
                    case MetricType.Histogram:
                        AddHistogram(acc, metric, seriesKey, point);
                        break;
                    default:
                        break; // exponential histograms: none on the allow-list
                }
            }
        }

        _deltas.EndExport();
        return order.Select(a => a.ToDatum()).OfType<EmfDatum>().ToList();
    }

    private double Delta(Metric metric, string series, double value, DateTimeOffset start) =>
        metric.Temporality == AggregationTemporality.Cumulative ? _deltas.Sum(series, value, start) : value;

    private void AddHistogram(Accumulator acc, Metric metric, string series, in MetricPoint point)
    {
        var bounds = new List<double>();
        var counts = new List<long>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
            counts.Add(bucket.BucketCount);
        }

        var delta = metric.Temporality == AggregationTemporality.Cumulative
            ? _deltas.Histogram(series, point.GetHistogramCount(), point.GetHistogramSum(), [.. counts], point.StartTime)
            : new HistogramDelta(point.GetHistogramCount(), point.GetHistogramSum(), [.. counts]);
        double? min = null, max = null;
        if (point.TryGetHistogramMinMaxValues(out var lifetimeMin, out var lifetimeMax))
        {
            (min, max) = (lifetimeMin, lifetimeMax);
        }

        acc.AddHistogram([.. bounds], delta, min, max);
    }

    private List<KeyValuePair<string, string>> Dimensions(EmfMetricRule rule, ReadOnlyTagCollection tags)
    {
        var dimensions = new List<KeyValuePair<string, string>>(rule.Dimensions.Count + 2) { new(EmfAllowList.Service, Service) };
        if (rule.PerHost)
        {
            dimensions.Add(new(EmfAllowList.Host, Host));
        }

        foreach (var d in rule.Dimensions)
        {
            object? value = null;
            foreach (var tag in tags)
            {
                if (tag.Key == d.Attribute)
                {
                    value = tag.Value;
                    break;
                }
            }

            dimensions.Add(new(d.Dimension, d.Value(value)));
        }

        return dimensions;
    }

    private static string SeriesKey(StringBuilder sb, string name, ReadOnlyTagCollection tags)
    {
        sb.Clear().Append(name);
        foreach (var tag in tags)
        {
            sb.Append('\u0000').Append(tag.Key).Append('\u0001').Append(tag.Value);
        }

        return sb.ToString();
    }

    /// <summary>Everything that maps to one datum: numbers add up, histograms merge bucket by bucket.</summary>
    private sealed class Accumulator(EmfMetricRule rule, string unit, List<KeyValuePair<string, string>> dimensions)
    {
        private double _number;
        private double[]? _bounds;
        private long[]? _buckets;
        private long _count;
        private double _sum;
        private double? _min, _max;

        public void AddNumber(double value) => _number += value;

        public void AddHistogram(double[] bounds, HistogramDelta delta, double? min, double? max)
        {
            if (_bounds is null)
            {
                (_bounds, _buckets) = (bounds, new long[delta.BucketCounts.Length]);
            }
            else if (!_bounds.AsSpan().SequenceEqual(bounds))
            {
                return; // one instrument has one set of bounds; never mix two
            }

            for (var i = 0; i < _buckets!.Length; i++)
            {
                _buckets[i] += delta.BucketCounts[i];
            }

            _count += delta.Count;
            _sum += delta.Sum;
            if (delta.Count > 0)
            {
                _min = min is { } m ? Math.Min(_min ?? m, m) : _min;
                _max = max is { } x ? Math.Max(_max ?? x, x) : _max;
            }
        }

        public EmfDatum? ToDatum()
        {
            if (_bounds is null)
            {
                return new EmfDatum(rule.Name, unit, dimensions, EmfValue.Of(_number), rule.Sets);
            }

            return _count == 0 ? null : new EmfDatum(rule.Name, unit, dimensions, Distribution(), rule.Sets);
        }

        /// <summary>
        /// The interval's samples lie in its non-empty buckets, so the lowest one's lower bound and the highest one's
        /// upper bound (tightened by the series' recorded min and max) bound them; each non-empty bucket is
        /// represented by the middle of its bounds within those.
        /// </summary>
        private EmfValue Distribution()
        {
            var bounds = _bounds!;
            var buckets = _buckets!;
            var first = Array.FindIndex(buckets, c => c > 0);
            var last = Array.FindLastIndex(buckets, c => c > 0);
            if (first < 0)
            {
                var mean = _sum / _count;
                return EmfValue.Distribution([], [], mean, mean, _sum, _count);
            }

            var min = Lower(bounds, first, _min);
            var max = Upper(bounds, last, _max);
            if (min > max)
            {
                (min, max) = (max, min);
            }

            var values = new List<double>();
            var counts = new List<double>();
            for (var i = first; i <= last; i++)
            {
                if (buckets[i] == 0)
                {
                    continue;
                }

                var low = i == 0 ? min : Math.Max(min, bounds[i - 1]);
                var high = double.IsFinite(bounds[i]) ? Math.Min(max, bounds[i]) : max;
                values.Add(Math.Clamp((low + high) / 2, min, max));
                counts.Add(buckets[i]);
            }

            return EmfValue.Distribution([.. values], [.. counts], min, max, _sum, _count);
        }

        private static double Lower(double[] bounds, int bucket, double? recordedMin)
        {
            var bound = bucket == 0 ? double.NegativeInfinity : bounds[bucket - 1];
            return recordedMin is { } m ? Math.Max(bound, m) : double.IsFinite(bound) ? bound : Math.Min(0, bounds[0]);
        }

        private static double Upper(double[] bounds, int bucket, double? recordedMax)
        {
            var bound = bounds[bucket];
            if (recordedMax is { } m)
            {
                return Math.Min(bound, m);
            }

            return double.IsFinite(bound) ? bound : bucket > 0 ? bounds[bucket - 1] : 0;
        }
    }
}
