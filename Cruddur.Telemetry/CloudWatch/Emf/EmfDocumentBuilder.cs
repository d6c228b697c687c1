using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>The documents built from one export, and how many data were refused (and why, once each).</summary>
internal sealed record EmfBuildResult(IReadOnlyList<string> Documents, int Refused, IReadOnlyList<string> RefusalReasons);

/// <summary>
/// Turns metric data into Embedded Metric Format documents
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
/// <c>{"_aws":{"Timestamp":ms,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],"Metrics":[{"Name":…,"Unit":…}]}]},
/// "&lt;dimension&gt;":"value",…,"&lt;metric&gt;":value,…}</c>. Data with the same dimension values and sets share a document,
/// at most <see cref="EmfLimits.MaxMetricsPerDirective"/> metrics each; a distribution longer than
/// <see cref="EmfLimits.MaxValuesPerArray"/> values is split over several documents; a datum CloudWatch would reject
/// (more than <see cref="EmfLimits.MaxDimensionKeys"/> dimension keys, an over-long or empty dimension value, a name
/// clash, a value that is not a finite number) is refused and counted, never sent.
/// </summary>
internal static class EmfDocumentBuilder
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static EmfBuildResult Build(string @namespace, long timestampMs, IEnumerable<EmfDatum> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        var refused = 0;
        var reasons = new List<string>();
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var order = new List<Group>();
        foreach (var datum in data)
        {
            if (Problem(datum) is { } problem)
            {
                refused++;
                reasons.Add($"{datum.Name}: {problem}");
                continue;
            }

            var key = GroupKey(datum);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new Group(datum.Dimensions, datum.EffectiveDimensionSets);
                order.Add(group);
            }

            group.Add(datum);
        }

        var documents = new List<string>();
        foreach (var group in order)
        {
            // Document k holds part k of every metric (a metric name is a root key: once per document), at most
            // MaxMetricsPerDirective metrics each.
            var parts = group.Metrics.Max(m => m.Parts.Count);
            for (var k = 0; k < parts; k++)
            {
                var present = group.Metrics.Where(m => k < m.Parts.Count).ToList();
                for (var start = 0; start < present.Count; start += EmfLimits.MaxMetricsPerDirective)
                {
                    var slice = present.GetRange(start, Math.Min(EmfLimits.MaxMetricsPerDirective, present.Count - start));
                    documents.Add(Write(@namespace, timestampMs, group, slice, k));
                }
            }
        }

        return new EmfBuildResult(documents, refused, reasons);
    }

    private static string? Problem(EmfDatum datum)
    {
        if (string.IsNullOrEmpty(datum.Name) || datum.Name == "_aws")
        {
            return "no usable metric name";
        }

        if (!datum.Value.IsFinite)
        {
            return "a value that is not a finite number";
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in datum.Dimensions)
        {
            if (string.IsNullOrEmpty(key) || key == "_aws" || key == datum.Name || !keys.Add(key))
            {
                return $"dimension key '{key}' is empty, reserved, repeated or the metric's own name";
            }

            if (string.IsNullOrEmpty(value) || value.Length > EmfLimits.MaxDimensionValueLength)
            {
                return $"dimension '{key}' has an empty value or one longer than {EmfLimits.MaxDimensionValueLength} characters";
            }
        }

        foreach (var set in datum.EffectiveDimensionSets)
        {
            if (set.Count > EmfLimits.MaxDimensionKeys)
            {
                return $"{set.Count} dimension keys in one set (at most {EmfLimits.MaxDimensionKeys})";
            }

            if (set.FirstOrDefault(k => !keys.Contains(k)) is { } missing)
            {
                return $"dimension set names '{missing}', which has no value";
            }
        }

        return null;
    }

    private static string GroupKey(EmfDatum datum)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in datum.Dimensions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            sb.Append(key).Append('\u0001').Append(value).Append('\u0002');
        }

        foreach (var set in datum.EffectiveDimensionSets)
        {
            sb.Append('\u0003').AppendJoin('\u0001', set);
        }

        return sb.ToString();
    }

    private static string Write(string @namespace, long timestampMs, Group group, List<Metric> metrics, int part)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("_aws");
            w.WriteNumber("Timestamp", timestampMs);
            w.WriteStartArray("CloudWatchMetrics");
            w.WriteStartObject();
            w.WriteString("Namespace", @namespace);
            w.WriteStartArray("Dimensions");
            foreach (var set in group.Sets)
            {
                w.WriteStartArray();
                foreach (var key in set)
                {
                    w.WriteStringValue(key);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                w.WriteStartObject();
                w.WriteString("Name", metric.Name);
                w.WriteString("Unit", metric.Unit);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();

            foreach (var (key, value) in group.Dimensions)
            {
                w.WriteString(key, value);
            }

            foreach (var metric in metrics)
            {
                WriteValue(w, metric.Name, metric.Parts[part]);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter w, string name, EmfValue value)
    {
        if (!value.IsDistribution)
        {
            w.WriteNumber(name, value.Number);
            return;
        }

        w.WriteStartObject(name);
        if (value.Values!.Length > 0)
        {
            w.WriteStartArray("Values");
            foreach (var v in value.Values)
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
            w.WriteStartArray("Counts");
            foreach (var c in value.Counts!)
            {
                w.WriteNumberValue(c);
            }

            w.WriteEndArray();
        }

        w.WriteNumber("Max", value.Max);
        w.WriteNumber("Min", value.Min);
        w.WriteNumber("Count", value.Count);
        w.WriteNumber("Sum", value.Sum);
        w.WriteEndObject();
    }

    private sealed class Group(IReadOnlyList<KeyValuePair<string, string>> dimensions, IReadOnlyList<IReadOnlyList<string>> sets)
    {
        public IReadOnlyList<KeyValuePair<string, string>> Dimensions { get; } = dimensions;
        public IReadOnlyList<IReadOnlyList<string>> Sets { get; } = sets;
        public List<Metric> Metrics { get; } = [];

        public void Add(EmfDatum datum)
        {
            // The same metric twice (same dimensions): its values follow the first one's, each in a later document.
            var existing = Metrics.Find(m => m.Name == datum.Name);
            var parts = datum.Value.Split(EmfLimits.MaxValuesPerArray);
            if (existing is null)
            {
                Metrics.Add(new Metric(datum.Name, datum.Unit, [.. parts]));
            }
            else
            {
                existing.Parts.AddRange(parts);
            }
        }
    }

    private sealed record Metric(string Name, string Unit, List<EmfValue> Parts);
}
