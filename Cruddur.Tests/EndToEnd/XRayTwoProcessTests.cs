using System.Globalization;
using Cruddur.Telemetry;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;
using Cruddur.Tests.Telemetry.XRay;
using Xunit.Abstractions;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The real gateway and silo processes send X-Ray datagrams to a UDP listener the test
/// owns, and OTLP to a receiver it owns; both describe the same trace, joined into one tree by parent_id.
/// </summary>
public sealed class XRayTwoProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Gateway_and_silo_datagrams_form_one_xray_trace_equal_to_the_otlp_trace()
    {
        await using var daemon = new FakeXRayDaemon();
        await using var receiver = await OtlpReceiver.StartAsync();
        var env = CruddurCluster.OtlpTo(receiver.Endpoint);
        env["AWS_XRAY_DAEMON_ADDRESS"] = daemon.Address;
        env["XRAY_SAMPLING_RULES"] = Path.Combine(RepoPaths.Root, "aws", "json", "xray.json");
        env["XRAY_SAMPLING"] = "local"; // the rule file decides (XRayRemoteSamplingTwoProcessTests has the daemon's rules)
        await using var cluster = await CruddurCluster.StartAsync(env, env);
        // The test process may host in-process TracerProviders of other tests; this client injects no trace
        // headers (no runtime propagator, instrumentation suppressed), so the gateway really starts the trace.
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = cluster.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // No traceparent: the gateway starts the trace, so its id comes from the X-Ray id generator.
        HttpResponseMessage response;
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
        {
            response = await http.GetAsync("/api/activities/@andrewbrown");
        }

        using var disposeResponse = response;
        Assert.Equal(200, (int)response.StatusCode);
        var header = Assert.Single(response.Headers.GetValues(TraceHeaders.AmazonTraceId));
        Assert.StartsWith("Root=", header);
        Assert.True(TraceIds.TryFromXRay(header["Root=".Length..], out var traceId));
        var xrayTraceId = TraceIds.ToXRay(traceId);
        var epoch = long.Parse(traceId.ToHexString()[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.InRange(epoch, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // All four spans of the trace: each process's batches arrive on their own schedule (the silo's server span
        // ends after mock-data and may come in a later batch).
        var otlp = (await receiver.WaitForAsync(
                all => TestTrace.HasGrainRequest(all, traceId.ToHexString(), "mock-data"),
                TimeSpan.FromSeconds(60)))
            .Where(s => s.TraceId == traceId.ToHexString())
            .ToList();
        // A datagram carries a document with the spans of the same batch embedded in it: counted per span.
        var spans = await daemon.WaitForSpansAsync(
            all => all.Count(d => d.Get("trace_id") == xrayTraceId) >= otlp.Count,
            TimeSpan.FromSeconds(60));

        // Every datagram (from either process, this trace or not): the header, one valid document.
        var datagrams = daemon.Datagrams;
        Assert.All(datagrams, d =>
        {
            Assert.Equal("{\"format\":\"json\",\"version\":1}", d.Header);
            Assert.True(d.Length < 64 * 1024);
            XRaySchemaChecks.AssertValid(d.Document);
        });

        foreach (var d in datagrams.Where(d => d.Get("trace_id") == xrayTraceId))
        {
            output.WriteLine($"{d.Length,5} B  {d.Body}");
        }

        var trace = spans.Where(d => d.Get("trace_id") == xrayTraceId).ToList();

        // Same spans as OTLP, same ids, same trace: one document per span (embedded subsegments flattened).
        Assert.Equal(otlp.Select(s => s.SpanId).Order(), trace.Select(d => d.Get("id")!).Order());
        Assert.Equal(trace.Count, trace.Select(d => d.Get("id")).Distinct().Count());
        foreach (var span in otlp)
        {
            var doc = trace.Single(d => d.Get("id") == span.SpanId);
            Assert.Equal(span.ParentSpanId is { Length: > 0 } p && p != "0000000000000000" ? p : null, doc.Get("parent_id"));
        }

        // One tree: a single root (the gateway's server segment); every other document hangs off one in the trace.
        var ids = trace.Select(d => d.Get("id")).ToHashSet();
        var root = Assert.Single(trace, d => d.Get("parent_id") is null);
        Assert.Equal("cruddur-gateway", root.Get("name"));
        Assert.Null(root.Get("type"));
        Assert.All(trace.Where(d => d != root), d => Assert.Contains(d.Get("parent_id"), ids));

        // Gateway → (Orleans client subsegment) → silo segment → mock-data subsegment with the original's metadata.
        var grainClient = Assert.Single(trace, d => d.Get("namespace") == "remote" && d.Get("parent_id") == root.Get("id"));
        var siloSegment = Assert.Single(trace, d => d.Get("name") == "cruddur-silo" && d.Get("type") is null);
        Assert.Equal(grainClient.Get("id"), siloSegment.Get("parent_id"));
        var mock = Assert.Single(trace, d => d.Get("name") == "mock-data");
        Assert.Equal("subsegment", mock.Get("type"));
        var metadata = mock.Document.GetProperty("metadata").GetProperty("default");
        Assert.Equal(1, metadata.GetProperty("results-size").GetInt32());
        Assert.True(DateTimeOffset.TryParse(metadata.GetProperty("now").GetString(), CultureInfo.InvariantCulture, out _));
        Assert.Contains(ids, id => id == mock.Get("parent_id"));
    }
}
