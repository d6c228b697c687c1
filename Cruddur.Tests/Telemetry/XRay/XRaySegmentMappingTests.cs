using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cruddur.Telemetry.Text;
using Cruddur.Telemetry.XRay;
using static Cruddur.Tests.Telemetry.XRay.XRayTestSpans;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>Golden documents for the span → segment mapping (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html).</summary>
public class XRaySegmentMappingTests
{
    private const string XRayTrace = "1-4efaaf4d-1e8720b39541901950019ee5";
    private const string Times = "\"start_time\":1795874400.125,\"end_time\":1795874400.1675";

    private const string ResourceMetadata =
        "\"otel.resource.service.name\":\"cruddur-gateway\",\"otel.resource.service.version\":\"1.2.3\"," +
        "\"otel.resource.telemetry.sdk.name\":\"opentelemetry\",\"otel.resource.telemetry.sdk.language\":\"dotnet\"," +
        "\"otel.resource.telemetry.sdk.version\":\"1.20.1\"";

    private const string Sdk = "\"aws\":{\"xray\":{\"sdk\":\"opentelemetry for dotnet\",\"sdk_version\":\"1.20.1\"}}";

    [Fact]
    public void Server_span_with_http_200_is_a_segment_with_request_and_response()
    {
        var span = Span("GET /api/activities/home", ActivityKind.Server, configure: a => a
            .SetTag("http.request.method", "GET")
            .SetTag("url.scheme", "http")
            .SetTag("server.address", "localhost")
            .SetTag("server.port", 4567)
            .SetTag("url.path", "/api/activities/home")
            .SetTag("user_agent.original", "curl/8.5.0")
            .SetTag("http.route", "/api/activities/home")
            .SetTag("http.response.status_code", 200));

        var datagram = Write(span);

        Assert.Equal(
            "{\"format\":\"json\",\"version\":1}\n" +
            $"{{\"name\":\"cruddur-gateway\",\"id\":\"{span.SpanId}\",\"trace_id\":\"{XRayTrace}\",\"parent_id\":\"53995c3f42cd8ad8\",{Times}," +
            "\"service\":{\"version\":\"1.2.3\"}," +
            "\"http\":{\"request\":{\"method\":\"GET\",\"url\":\"http://localhost:4567/api/activities/home\",\"user_agent\":\"curl/8.5.0\"},\"response\":{\"status\":200}}," +
            Sdk + "," +
            $"\"metadata\":{{\"default\":{{\"http.route\":\"/api/activities/home\",{ResourceMetadata}}}}}}}",
            datagram);
        XRaySchemaChecks.AssertValid(Document(datagram));
    }

    [Fact]
    public void Client_span_is_a_remote_subsegment_named_after_the_host()
    {
        var span = Span("GET", ActivityKind.Client, configure: a => a
            .SetTag("http.request.method", "GET")
            .SetTag("url.full", "https://api.example.com/v1/things?id=7")
            .SetTag("server.address", "api.example.com")
            .SetTag("server.port", 443)
            .SetTag("http.response.status_code", 200));

        var datagram = Write(span);

        Assert.Equal(
            "{\"format\":\"json\",\"version\":1}\n" +
            $"{{\"name\":\"api.example.com\",\"id\":\"{span.SpanId}\",\"trace_id\":\"{XRayTrace}\",\"parent_id\":\"53995c3f42cd8ad8\",{Times}," +
            "\"type\":\"subsegment\",\"namespace\":\"remote\"," +
            "\"http\":{\"request\":{\"method\":\"GET\",\"url\":\"https://api.example.com/v1/things?id=7\"},\"response\":{\"status\":200}}}",
            datagram);
        XRaySchemaChecks.AssertValid(Document(datagram));
    }

    [Fact]
    public void Orleans_client_span_is_a_remote_subsegment_named_after_the_grain_method()
    {
        var span = Span("IHomeTimelineGrain/GetActivitiesAsync", ActivityKind.Client, configure: a => a
            .SetTag("rpc.system.name", "orleans")
            .SetTag("rpc.method", "IHomeTimelineGrain/GetActivitiesAsync"));

        var doc = Document(Write(span));

        Assert.Equal("IHomeTimelineGrain/GetActivitiesAsync", doc.GetProperty("name").GetString());
        Assert.Equal("subsegment", doc.GetProperty("type").GetString());
        Assert.Equal("remote", doc.GetProperty("namespace").GetString());
        Assert.Equal("orleans", doc.GetProperty("metadata").GetProperty("default").GetProperty("rpc.system.name").GetString());
        XRaySchemaChecks.AssertValid(doc);
    }

    [Theory]
    [InlineData(404, "\"error\":true")]
    [InlineData(429, "\"error\":true,\"throttle\":true")]
    [InlineData(500, "\"fault\":true")]
    [InlineData(503, "\"fault\":true")]
    public void Status_codes_set_error_throttle_and_fault(int status, string flags)
    {
        var span = Span("GET /api/activities/{handle}", ActivityKind.Server, configure: a => a
            .SetTag("http.request.method", "GET")
            .SetTag("url.path", "/api/activities/@nobody")
            .SetTag("http.response.status_code", status));

        var body = Body(Write(span));

        Assert.Contains($"\"response\":{{\"status\":{status}}}}},{flags},\"aws\"", body);
        var doc = Document(Write(span));
        Assert.Equal(status is >= 400 and < 500, doc.TryGetProperty("error", out _));
        Assert.Equal(status == 429, doc.TryGetProperty("throttle", out _));
        Assert.Equal(status >= 500, doc.TryGetProperty("fault", out _));
        Assert.False(doc.TryGetProperty("cause", out _), "a status alone has nothing to explain it");
        XRaySchemaChecks.AssertValid(doc);
    }

    [Fact]
    public void Error_status_without_http_is_a_fault_with_the_description_as_cause()
    {
        var span = Span("mock-data", ActivityKind.Internal, configure: a => a.SetStatus(ActivityStatusCode.Error, "grain failed"));

        var doc = Document(Write(span));

        Assert.True(doc.GetProperty("fault").GetBoolean());
        var exception = Assert.Single(doc.GetProperty("cause").GetProperty("exceptions").EnumerateArray());
        Assert.Equal("grain failed", exception.GetProperty("message").GetString());
        XRaySchemaChecks.AssertValid(doc);
    }

    [Fact]
    public void Exception_event_becomes_a_cause_with_parsed_dotnet_frames()
    {
        Exception thrown;
        try
        {
            ThrowFromHere();
            throw new UnreachableException();
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var span = Span("IUserActivityGrain/GetActivitiesAsync", ActivityKind.Server, configure: a => a
            .SetStatus(ActivityStatusCode.Error, thrown.Message)
            .AddException(thrown));

        var doc = Document(Write(span));

        Assert.True(doc.GetProperty("fault").GetBoolean());
        var exception = Assert.Single(doc.GetProperty("cause").GetProperty("exceptions").EnumerateArray());
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("prune juice is out", exception.GetProperty("message").GetString());
        Assert.Matches("^[0-9a-f]{16}$", exception.GetProperty("id").GetString()!);
        var frames = exception.GetProperty("stack").EnumerateArray().ToList();
        Assert.True(frames.Count >= 2);
        var top = frames[0];
        Assert.Contains(nameof(ThrowFromHere), top.GetProperty("label").GetString());
        Assert.EndsWith(nameof(XRaySegmentMappingTests) + ".cs", top.GetProperty("path").GetString());
        Assert.True(top.GetProperty("line").GetInt32() > 0);
        Assert.Contains(nameof(Exception_event_becomes_a_cause_with_parsed_dotnet_frames), frames[1].GetProperty("label").GetString());
        Assert.False(doc.GetProperty("metadata").GetProperty("default").TryGetProperty("exception.stacktrace", out _));
        XRaySchemaChecks.AssertValid(doc);
    }

    [Fact]
    public void Stack_trace_parser_reads_frames_with_and_without_symbols()
    {
        const string trace =
            "System.InvalidOperationException: outer\n" +
            " ---> System.IO.IOException: inner\n" +
            "   at Cruddur.Grains.SeedData.Home(DateTimeOffset now) in /src/Cruddur.Grains/SeedData.cs:line 17\n" +
            "   --- End of inner exception stack trace ---\n" +
            "   at Cruddur.Grains.HomeTimelineGrain.GetActivitiesAsync()\n" +
            "--- End of stack trace from previous location ---\n" +
            "   at Orleans.Runtime.Invoke() in C:\\b\\src\\Grain Call.cs:line 9";

        var frames = DotNetStackTrace.Parse(trace, 2, out var truncated);

        Assert.Equal(
            [
                new DotNetStackFrame("Cruddur.Grains.SeedData.Home(DateTimeOffset now)", "/src/Cruddur.Grains/SeedData.cs", 17),
                new DotNetStackFrame("Cruddur.Grains.HomeTimelineGrain.GetActivitiesAsync()", null, null),
            ],
            frames);
        Assert.Equal(1, truncated);
        var all = DotNetStackTrace.Parse(trace, 50, out _);
        Assert.Equal(new DotNetStackFrame("Orleans.Runtime.Invoke()", "C:\\b\\src\\Grain Call.cs", 9), all[^1]);
    }

    [Fact]
    public void Mock_data_span_is_a_subsegment_carrying_now_and_results_size_as_metadata()
    {
        var span = Span("mock-data", ActivityKind.Internal, configure: a => a
            .SetTag("now", "2026-11-28T14:00:00.0000000+00:00")
            .SetTag("results-size", 1));

        var datagram = Write(span);

        Assert.Equal(
            "{\"format\":\"json\",\"version\":1}\n" +
            $"{{\"name\":\"mock-data\",\"id\":\"{span.SpanId}\",\"trace_id\":\"{XRayTrace}\",\"parent_id\":\"53995c3f42cd8ad8\",{Times}," +
            "\"type\":\"subsegment\"," +
            "\"metadata\":{\"default\":{\"now\":\"2026-11-28T14:00:00.0000000+00:00\",\"results-size\":1}}}",
            datagram);
        XRaySchemaChecks.AssertValid(Document(datagram));
    }

    [Fact]
    public void Root_internal_span_is_a_segment_without_parent()
    {
        var span = Span("startup", ActivityKind.Internal, root: true);

        var doc = Document(Write(span));

        Assert.Equal("cruddur-gateway", doc.GetProperty("name").GetString());
        Assert.False(doc.TryGetProperty("type", out _));
        Assert.False(doc.TryGetProperty("parent_id", out _));
        Assert.Equal(TraceIdsFor(span), doc.GetProperty("trace_id").GetString());
        XRaySchemaChecks.AssertValid(doc);
    }

    [Fact]
    public void Configured_keys_become_annotations_with_sanitised_keys_and_the_rest_metadata()
    {
        var options = Options(o => o.IndexedAttributes = ["app.handle", "app.result_length", "app.tags", "app.ok"]);
        var span = Span("home-activities-mock-data", ActivityKind.Internal, configure: a => a
            .SetTag("app.handle", "andrewbrown")
            .SetTag("app.result_length", 3)
            .SetTag("app.ok", true)
            .SetTag("app.tags", new[] { "a", "b" }) // arrays cannot be annotations
            .SetTag("app.now", "2026-11-28T14:00:00Z"));

        var doc = Document(Write(span, options));

        var annotations = doc.GetProperty("annotations");
        Assert.Equal("andrewbrown", annotations.GetProperty("app_handle").GetString());
        Assert.Equal(3, annotations.GetProperty("app_result_length").GetInt32());
        Assert.True(annotations.GetProperty("app_ok").GetBoolean());
        Assert.False(annotations.TryGetProperty("app_tags", out _));
        var metadata = doc.GetProperty("metadata").GetProperty("default");
        Assert.Equal("2026-11-28T14:00:00Z", metadata.GetProperty("app.now").GetString());
        Assert.Equal(2, metadata.GetProperty("app.tags").GetArrayLength());
        Assert.False(metadata.TryGetProperty("app.handle", out _));
        XRaySchemaChecks.AssertValid(doc);
    }

    [Fact]
    public void Names_with_illegal_characters_are_sanitised_and_cut_to_200()
    {
        var span = Span("GET /api/<script>\"alert\"!(x)*?;", ActivityKind.Internal);
        var doc = Document(Write(span));
        Assert.Equal("GET /api/scriptalertx", doc.GetProperty("name").GetString());
        XRaySchemaChecks.AssertValid(doc);

        var segment = Document(Write(Span("GET /", ActivityKind.Server), Options(o => o.TracingName = "cruddur gateway (prod)! ünïcode\t\n")));
        Assert.Equal("cruddur gateway prod ünïcode", segment.GetProperty("name").GetString());

        var longName = Document(Write(Span(new string('x', 300) + "!", ActivityKind.Internal)));
        Assert.Equal(new string('x', 200), longName.GetProperty("name").GetString());

        var nothingLeft = Document(Write(Span("<<>>", ActivityKind.Internal)));
        Assert.Equal("span", nothingLeft.GetProperty("name").GetString());

        Assert.Equal("a_b_c_d", XRayNames.SanitizeAnnotationKey("a.b-c d"));
    }

    [Fact]
    public void Segment_name_is_tracing_name_then_dynamic_host_then_service_name()
    {
        var span = Span("GET /", ActivityKind.Server, configure: a => a
            .SetTag("http.request.method", "GET")
            .SetTag("server.address", "4567-andrewbrown-awsbootcamp.gitpod.io"));

        string NameWith(Action<XRayExporterOptions> configure) => Document(Write(span, Options(configure))).GetProperty("name").GetString()!;

        Assert.Equal("4567-andrewbrown-awsbootcamp.gitpod.io", NameWith(o => o.DynamicNamingPattern = "*4567-*.GITPOD.io*"));
        Assert.Equal("cruddur-gateway", NameWith(o => o.DynamicNamingPattern = "*.example.com"));
        Assert.Equal("cruddur-fixed", NameWith(o => { o.DynamicNamingPattern = "*"; o.TracingName = "cruddur-fixed"; }));
    }

    [Fact]
    public void Oversized_span_is_trimmed_under_64KB_and_stays_valid_json()
    {
        var bigStack = new StringBuilder("System.Exception: boom\n");
        for (var i = 0; i < 2000; i++)
        {
            bigStack.Append(System.Globalization.CultureInfo.InvariantCulture, $"   at Cruddur.Deep.Frame{i}(String argument) in /src/Cruddur/Deep/Frame{i}.cs:line {i}\n");
        }

        var span = Span("GET /api/activities/home", ActivityKind.Server, configure: a =>
        {
            a.SetTag("http.request.method", "GET").SetTag("http.response.status_code", 500);
            for (var i = 0; i < 200; i++)
            {
                a.SetTag($"app.blob{i}", new string('é', 2000)); // 2 bytes each in UTF-8: 800 KB of metadata
            }

            a.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
            {
                ["exception.type"] = "System.Exception",
                ["exception.message"] = new string('m', 200_000),
                ["exception.stacktrace"] = bigStack.ToString(),
            }));
        });

        var datagram = Encoding.UTF8.GetBytes(Write(span, out var level));

        Assert.True(datagram.Length <= XRayExporterOptions.DefaultMaxDatagramBytes, $"{datagram.Length} bytes");
        Assert.NotEqual(XRaySegmentWriter.TrimLevel.None, level);
        var doc = Document(Encoding.UTF8.GetString(datagram));
        XRaySchemaChecks.AssertValid(doc);
        Assert.True(doc.GetProperty("fault").GetBoolean());
        Assert.Equal(500, doc.GetProperty("http").GetProperty("response").GetProperty("status").GetInt32());
        var exception = Assert.Single(doc.GetProperty("cause").GetProperty("exceptions").EnumerateArray());
        Assert.Equal(1024, exception.GetProperty("message").GetString()!.Length);
        Assert.Equal(2000, exception.GetProperty("truncated").GetInt32());
        Assert.False(doc.TryGetProperty("metadata", out _));
    }

    [Fact]
    public void Metadata_is_shortened_before_it_is_dropped()
    {
        var span = Span("home-activities-mock-data", ActivityKind.Internal, configure: a =>
        {
            for (var i = 0; i < 40; i++)
            {
                a.SetTag($"app.blob{i}", new string('x', 2000)); // 80 KB: fits once each value is cut to 256
            }
        });

        var doc = Document(Write(span, out var level));

        Assert.Equal(XRaySegmentWriter.TrimLevel.MetadataShortened, level);
        Assert.Equal(256, doc.GetProperty("metadata").GetProperty("default").GetProperty("app.blob39").GetString()!.Length);
    }

    [Fact]
    public void Truncation_never_splits_a_surrogate_pair()
    {
        var value = new string('a', 255) + "😀" + "tail";
        var cut = XRaySegmentWriter.Truncate(value, 256);
        Assert.Equal(255, cut.Length);
        Assert.False(char.IsHighSurrogate(cut[^1]));
    }

    private static string TraceIdsFor(Activity span) => Cruddur.Telemetry.TraceIds.ToXRay(span.TraceId);

    private static void ThrowFromHere() => throw new InvalidOperationException("prune juice is out");
}
