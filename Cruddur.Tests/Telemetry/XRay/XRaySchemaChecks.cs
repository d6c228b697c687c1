using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>
/// Hand-written checks of the X-Ray segment document schema v1.0.0's rules (required fields, id and trace id
/// shapes, name character set, annotation keys and values, metadata namespaces, http string limits), applied to
/// embedded <c>subsegments</c> too, which carry no <c>trace_id</c>, <c>parent_id</c> or <c>type</c>
/// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html).
/// </summary>
internal static partial class XRaySchemaChecks
{
    public static void AssertValid(JsonElement doc) => AssertValid(doc, embedded: false);

    private static void AssertValid(JsonElement doc, bool embedded)
    {
        Assert.Equal(JsonValueKind.Object, doc.ValueKind);
        var isSubsegment = doc.TryGetProperty("type", out var type) && type.GetString() == "subsegment";

        var name = Required(doc, "name", JsonValueKind.String).GetString()!;
        Assert.InRange(name.Length, 1, 200);
        Assert.Matches(NamePattern(), name);

        Assert.Matches(Hex16(), Required(doc, "id", JsonValueKind.String).GetString()!);
        if (embedded)
        {
            foreach (var independentOnly in new[] { "trace_id", "parent_id", "type" })
            {
                Assert.False(doc.TryGetProperty(independentOnly, out _), $"an embedded subsegment has '{independentOnly}'");
            }
        }
        else
        {
            Assert.Matches(TraceIdPattern(), Required(doc, "trace_id", JsonValueKind.String).GetString()!);
        }

        var start = Required(doc, "start_time", JsonValueKind.Number).GetDouble();
        if (doc.TryGetProperty("in_progress", out var inProgress))
        {
            Assert.True(inProgress.GetBoolean());
            Assert.False(doc.TryGetProperty("end_time", out _), "end_time and in_progress are exclusive");
        }
        else
        {
            Assert.True(Required(doc, "end_time", JsonValueKind.Number).GetDouble() >= start);
        }

        if (isSubsegment)
        {
            Assert.Matches(Hex16(), Required(doc, "parent_id", JsonValueKind.String).GetString()!);
        }
        else if (doc.TryGetProperty("parent_id", out var parent))
        {
            Assert.Matches(Hex16(), parent.GetString()!);
        }

        foreach (var flag in new[] { "error", "throttle", "fault", "x_forwarded_for" })
        {
            if (doc.TryGetProperty(flag, out var value))
            {
                Assert.True(value.ValueKind is JsonValueKind.True or JsonValueKind.False, flag);
            }
        }

        if (doc.TryGetProperty("annotations", out var annotations))
        {
            foreach (var a in annotations.EnumerateObject())
            {
                Assert.Matches(AnnotationKey(), a.Name);
                Assert.True(a.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False, a.Name);
                if (a.Value.ValueKind == JsonValueKind.String)
                {
                    Assert.True(a.Value.GetString()!.Length <= 1000);
                }
            }
        }

        if (doc.TryGetProperty("metadata", out var metadata))
        {
            foreach (var ns in metadata.EnumerateObject())
            {
                Assert.Equal(JsonValueKind.Object, ns.Value.ValueKind);
            }
        }

        if (doc.TryGetProperty("http", out var http) && http.TryGetProperty("request", out var request))
        {
            foreach (var field in new[] { "method", "url", "user_agent", "client_ip" })
            {
                if (request.TryGetProperty(field, out var value))
                {
                    Assert.True(value.GetString()!.Length <= 250, field);
                }
            }
        }

        if (doc.TryGetProperty("subsegments", out var subsegments))
        {
            Assert.Equal(JsonValueKind.Array, subsegments.ValueKind);
            foreach (var subsegment in subsegments.EnumerateArray())
            {
                AssertValid(subsegment, embedded: true);
            }
        }

        if (doc.TryGetProperty("cause", out var cause) && cause.ValueKind == JsonValueKind.Object)
        {
            foreach (var exception in cause.GetProperty("exceptions").EnumerateArray())
            {
                Assert.Matches(Hex16(), Required(exception, "id", JsonValueKind.String).GetString()!);
                if (exception.TryGetProperty("stack", out var stack))
                {
                    foreach (var frame in stack.EnumerateArray())
                    {
                        if (frame.TryGetProperty("line", out var line))
                        {
                            Assert.True(line.TryGetInt32(out _));
                        }
                    }
                }
            }
        }
    }

    private static JsonElement Required(JsonElement doc, string name, JsonValueKind kind)
    {
        Assert.True(doc.TryGetProperty(name, out var value), $"required field '{name}' missing");
        Assert.Equal(kind, value.ValueKind);
        return value;
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex Hex16();

    [GeneratedRegex(@"^1-[0-9a-f]{8}-[0-9a-f]{24}$")]
    private static partial Regex TraceIdPattern();

    [GeneratedRegex(@"^[\p{L}\p{N}\p{Zs}_.:/%&#=+\-@]{1,200}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_]{1,500}$")]
    private static partial Regex AnnotationKey();
}
