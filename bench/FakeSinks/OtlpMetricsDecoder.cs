using Cruddur.Tests.Fakes;

namespace Cruddur.Bench.FakeSinks;

/// <summary>One number data point of a <c>cruddur.telemetry.*</c> metric as the service exported it.</summary>
public readonly record struct SinkMetricPoint(string Service, string Metric, string Sink, string Reason, bool Cumulative, double Value);

/// <summary>
/// Decodes just enough of an OTLP <c>ExportMetricsServiceRequest</c> (protobuf) to read the sinks' own counters:
/// resource <c>service.name</c>, metric name, and the Sum/Gauge number data points with their <c>sink</c> and
/// <c>reason</c> attributes. Everything else is skipped. Field numbers from opentelemetry-proto metrics.proto.
/// </summary>
public static class OtlpMetricsDecoder
{
    public static List<SinkMetricPoint> Decode(ReadOnlySpan<byte> request, string metricPrefix)
    {
        var points = new List<SinkMetricPoint>();
        var reader = new ProtobufReader(request);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2) ResourceMetrics(reader.ReadBytes(), metricPrefix, points);
            else reader.Skip(wire);
        }

        return points;
    }

    private static void ResourceMetrics(ReadOnlySpan<byte> bytes, string prefix, List<SinkMetricPoint> points)
    {
        var service = "";
        // The resource comes first on the wire (field 1), but do not rely on it: collect scope bodies first.
        var scopes = new List<byte[]>();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                var resource = new ProtobufReader(reader.ReadBytes());
                while (resource.TryReadTag(out var f, out var w))
                {
                    if (f == 1 && w == 2)
                    {
                        var (key, value) = KeyValue(resource.ReadBytes());
                        if (key == "service.name") service = value;
                    }
                    else resource.Skip(w);
                }
            }
            else if (field == 2 && wire == 2) scopes.Add(reader.ReadBytes().ToArray());
            else reader.Skip(wire);
        }

        foreach (var scope in scopes)
        {
            var scopeReader = new ProtobufReader(scope);
            while (scopeReader.TryReadTag(out var f, out var w))
            {
                if (f == 2 && w == 2) Metric(scopeReader.ReadBytes(), service, prefix, points);
                else scopeReader.Skip(w);
            }
        }
    }

    private static void Metric(ReadOnlySpan<byte> bytes, string service, string prefix, List<SinkMetricPoint> points)
    {
        var reader = new ProtobufReader(bytes);
        string? name = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                name = reader.ReadString();
                if (!name.StartsWith(prefix, StringComparison.Ordinal)) return;
            }
            else if ((field == 5 || field == 7) && wire == 2 && name is not null)
            {
                // 5 = Gauge, 7 = Sum; both: repeated NumberDataPoint data_points = 1; Sum: aggregation_temporality = 2.
                var body = reader.ReadBytes();
                var cumulative = field == 5;
                var dataPoints = new List<byte[]>();
                var r = new ProtobufReader(body);
                while (r.TryReadTag(out var f, out var w))
                {
                    if (f == 1 && w == 2) dataPoints.Add(r.ReadBytes().ToArray());
                    else if (f == 2 && w == 0) cumulative = r.ReadVarint() == 2;
                    else r.Skip(w);
                }

                foreach (var dp in dataPoints) points.Add(DataPoint(dp, service, name, cumulative));
            }
            else reader.Skip(wire);
        }
    }

    private static SinkMetricPoint DataPoint(ReadOnlySpan<byte> bytes, string service, string name, bool cumulative)
    {
        string sink = "", reason = "";
        double value = 0;
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 7 && wire == 2)
            {
                var (key, v) = KeyValue(reader.ReadBytes());
                if (key == "sink") sink = v;
                else if (key == "reason") reason = v;
            }
            else if (field == 4 && wire == 1) value = BitConverter.UInt64BitsToDouble(reader.ReadFixed64());
            else if (field == 6 && wire == 1) value = unchecked((long)reader.ReadFixed64());
            else reader.Skip(wire);
        }

        return new SinkMetricPoint(service, name, sink, reason, cumulative, value);
    }

    /// <summary>KeyValue { key = 1; AnyValue value = 2 { string_value = 1; bool = 2; int = 3; double = 4 } }.</summary>
    private static (string Key, string Value) KeyValue(ReadOnlySpan<byte> bytes)
    {
        string key = "", value = "";
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2) key = reader.ReadString();
            else if (field == 2 && wire == 2)
            {
                var any = new ProtobufReader(reader.ReadBytes());
                while (any.TryReadTag(out var f, out var w))
                {
                    if (f == 1 && w == 2) value = any.ReadString();
                    else if (f == 3 && w == 0) value = ((long)any.ReadVarint()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    else any.Skip(w);
                }
            }
            else reader.Skip(wire);
        }

        return (key, value);
    }
}
