namespace Cruddur.Tests.Fakes;

/// <summary>One span as an OTLP receiver sees it, with its resource's service.name.</summary>
public sealed record ReceivedSpan(
    string ServiceName,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    string ServiceInstanceId = "")
{
    public const int KindServer = 2;
    public const int KindClient = 3;

    public override string ToString() => $"{ServiceName} {Name} kind={Kind} {TraceId}/{SpanId} parent={ParentSpanId}";
}

/// <summary>Decodes <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) from protobuf bytes.</summary>
public static class OtlpTraceDecoder
{
    public static List<ReceivedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        var reader = new ProtobufReader(request);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                DecodeResourceSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return spans;
    }

    private static void DecodeResourceSpans(ReadOnlySpan<byte> bytes, List<ReceivedSpan> spans)
    {
        var serviceName = "";
        var instance = "";
        var scopeSpans = new List<byte[]>();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    var resource = DecodeAttributes(reader.ReadBytes(), attributesField: 1);
                    serviceName = resource.GetValueOrDefault("service.name") as string ?? "";
                    instance = resource.GetValueOrDefault("service.instance.id") as string ?? "";
                    break;
                case (2, 2):
                    scopeSpans.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var scope in scopeSpans)
        {
            DecodeScopeSpans(scope, serviceName, instance, spans);
        }
    }

    private static void DecodeScopeSpans(ReadOnlySpan<byte> bytes, string serviceName, string instance, List<ReceivedSpan> spans)
    {
        var scopeName = "";
        var spanBytes = new List<byte[]>();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    var scopeReader = new ProtobufReader(reader.ReadBytes());
                    while (scopeReader.TryReadTag(out var f, out var w))
                    {
                        if (f == 1 && w == 2) scopeName = scopeReader.ReadString(); else scopeReader.Skip(w);
                    }
                    break;
                case (2, 2):
                    spanBytes.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var span in spanBytes)
        {
            spans.Add(DecodeSpan(span, serviceName, scopeName) with { ServiceInstanceId = instance });
        }
    }

    private static ReceivedSpan DecodeSpan(ReadOnlySpan<byte> bytes, string serviceName, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, object?>();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (5, 2): name = reader.ReadString(); break;
                case (6, 0): kind = (int)reader.ReadVarint(); break;
                case (9, 2):
                    var (key, value) = DecodeKeyValue(reader.ReadBytes());
                    attributes[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedSpan(serviceName, scope, traceId, spanId, parent, name, kind, attributes);
    }

    private static Dictionary<string, object?> DecodeAttributes(ReadOnlySpan<byte> bytes, int attributesField)
    {
        var attributes = new Dictionary<string, object?>();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == attributesField && wire == 2)
            {
                var (key, value) = DecodeKeyValue(reader.ReadBytes());
                attributes[key] = value;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return attributes;
    }

    private static (string Key, object? Value) DecodeKeyValue(ReadOnlySpan<byte> bytes)
    {
        string key = "";
        object? value = null;
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): key = reader.ReadString(); break;
                case (2, 2): value = DecodeAnyValue(reader.ReadBytes()); break;
                default: reader.Skip(wire); break;
            }
        }

        return (key, value);
    }

    private static object? DecodeAnyValue(ReadOnlySpan<byte> bytes)
    {
        object? value = null;
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): value = reader.ReadString(); break;
                case (2, 0): value = reader.ReadVarint() != 0; break;
                case (3, 0): value = (long)reader.ReadVarint(); break;
                case (4, 1): value = BitConverter.UInt64BitsToDouble(reader.ReadFixed64()); break;
                default: reader.Skip(wire); value ??= "<complex>"; break;
            }
        }

        return value;
    }
}
