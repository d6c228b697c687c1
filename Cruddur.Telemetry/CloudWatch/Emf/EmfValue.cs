namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// What one metric holds in one document: a single number (gauges, deltas of sums), or a distribution — the
/// statistic set <c>{Min, Max, Sum, Count}</c> with, when buckets are known, <c>Values</c>/<c>Counts</c> arrays so
/// CloudWatch can answer percentiles (the shape the awsemfexporter writes for exponential histograms).
/// </summary>
internal sealed class EmfValue
{
    private EmfValue(double number) => Number = number;

    private EmfValue(double[] values, double[] counts, double min, double max, double sum, double count)
    {
        Values = values;
        Counts = counts;
        Min = min;
        Max = max;
        Sum = sum;
        Count = count;
    }

    public static EmfValue Of(double number) => new(number);

    /// <param name="values">representative values (one per non-empty bucket), may be empty</param>
    /// <param name="counts">how many samples each value stands for; same length as <paramref name="values"/></param>
    public static EmfValue Distribution(double[] values, double[] counts, double min, double max, double sum, double count)
    {
        if (values.Length != counts.Length)
        {
            throw new ArgumentException("Values and Counts differ in length.", nameof(counts));
        }

        return new(values, counts, min, max, sum, count);
    }

    public double Number { get; }
    public bool IsDistribution => Values is not null;
    public double[]? Values { get; }
    public double[]? Counts { get; }
    public double Min { get; }
    public double Max { get; }
    public double Sum { get; }
    public double Count { get; }

    public bool IsFinite => IsDistribution
        ? double.IsFinite(Min) && double.IsFinite(Max) && double.IsFinite(Sum) && double.IsFinite(Count)
          && Values!.All(double.IsFinite) && Counts!.All(double.IsFinite)
        : double.IsFinite(Number);

    /// <summary>
    /// At most <paramref name="size"/> values per part. A distribution with more is cut into parts whose Count, Sum,
    /// Min and Max are those of the part's own values (as the awsemfexporter does for exponential histograms), so the
    /// parts' Counts still add up to the whole.
    /// </summary>
    public IReadOnlyList<EmfValue> Split(int size)
    {
        if (!IsDistribution || Values!.Length <= size)
        {
            return [this];
        }

        var parts = new List<EmfValue>();
        for (var start = 0; start < Values.Length; start += size)
        {
            var length = Math.Min(size, Values.Length - start);
            var values = Values.AsSpan(start, length).ToArray();
            var counts = Counts!.AsSpan(start, length).ToArray();
            double sum = 0, count = 0;
            for (var i = 0; i < length; i++)
            {
                sum += values[i] * counts[i];
                count += counts[i];
            }

            parts.Add(new EmfValue(values, counts, values.Min(), values.Max(), sum, count));
        }

        return parts;
    }
}
