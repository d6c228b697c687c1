using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cruddur.Telemetry;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using static Cruddur.Tests.Telemetry.XRay.XRayTestSpans;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>
/// Within one exported batch, a span whose parent is in the batch is embedded in the parent's <c>"subsegments"</c>
/// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html); everything else, and what
/// does not fit, is sent as before. Real datagrams to a UDP socket the test owns on 127.0.0.1.
/// </summary>
public sealed class XRayEmbeddedSubsegmentsTests : IDisposable
{
    private static readonly string[] IndependentOnly = ["trace_id", "parent_id", "type"];

    private readonly UdpClient _daemon = new(new IPEndPoint(IPAddress.Loopback, 0));

    private int Port => ((IPEndPoint)_daemon.Client.LocalEndPoint!).Port;

    public void Dispose() => _daemon.Dispose();

    /// <summary>An exporter sending to this test's socket, with its own counters.</summary>
    private XRayExporter Exporter(string metricsName, out XRayExporterOptions options, out SinkMetrics metrics, Action<XRayExporterOptions>? configure = null)
    {
        options = Options(o =>
        {
            o.DaemonAddress = $"127.0.0.1:{Port}";
            configure?.Invoke(o);
        });
        metrics = new SinkMetrics(metricsName);
        return new XRayExporter(options, metrics, Resource);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_span_and_its_children_in_one_batch_are_one_datagram_with_nested_subsegments(bool childrenFirst)
    {
        using var exporter = Exporter("xray-embedded-test", out var options, out var metrics, o => o.IndexedAttributes = ["app.user"]);
        var server = Span("GET /api/activities/home", ActivityKind.Server, configure: a => a
            .SetTag("http.request.method", "GET")
            .SetTag("http.response.status_code", 200));
        var timeline = Child("HomeActivities.Run", ActivityKind.Internal, server, a => a
            .SetTag("app.user", "andrewbrown")
            .SetTag("results-size", 3));
        var mock = Child("mock-data", ActivityKind.Internal, timeline, a => a.SetTag("results-size", 1));
        var call = Child("GET", ActivityKind.Client, server, a => a
            .SetTag("http.request.method", "GET")
            .SetTag("url.full", "https://api.example.com/v1/things")
            .SetTag("server.address", "api.example.com")
            .SetTag("http.response.status_code", 503)
            .SetStatus(ActivityStatusCode.Error, "upstream down")
            .AddException(new InvalidOperationException("upstream down")));
        Activity[] batch = childrenFirst ? [mock, timeline, call, server] : [server, call, timeline, mock];

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>(batch, batch.Length)));

        var datagram = Assert.Single(await ReceiveAsync(1));
        var doc = XRayTestSpans.Document(Encoding.UTF8.GetString(datagram));
        XRaySchemaChecks.AssertValid(doc);
        Assert.Equal(server.SpanId.ToHexString(), doc.GetProperty("id").GetString());
        Assert.Equal(TraceIds.ToXRay(server.TraceId), doc.GetProperty("trace_id").GetString());
        Assert.False(doc.TryGetProperty("type", out _));

        var children = doc.GetProperty("subsegments").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal(new[] { call.SpanId.ToHexString(), timeline.SpanId.ToHexString() }.Order(), children.Keys.Order());
        Assert.False(children[call.SpanId.ToHexString()].TryGetProperty("subsegments", out _));
        var grandchild = Assert.Single(children[timeline.SpanId.ToHexString()].GetProperty("subsegments").EnumerateArray());
        Assert.Equal(mock.SpanId.ToHexString(), grandchild.GetProperty("id").GetString());
        Assert.False(grandchild.TryGetProperty("subsegments", out _));

        // Each embedded subsegment is its independent document (namespace, http, cause, annotations, metadata)
        // without trace_id, parent_id and type.
        foreach (var (span, embedded) in new[] { (call, children[call.SpanId.ToHexString()]), (timeline, children[timeline.SpanId.ToHexString()]), (mock, grandchild) })
        {
            foreach (var name in IndependentOnly)
            {
                Assert.False(embedded.TryGetProperty(name, out _), $"{span.DisplayName} carries {name}");
            }

            var expected = JsonNode.Parse(Body(Write(span, options)))!.AsObject();
            foreach (var name in IndependentOnly)
            {
                Assert.True(expected.Remove(name));
            }

            var actual = JsonNode.Parse(embedded.GetRawText())!.AsObject();
            actual.Remove("subsegments");
            Assert.True(JsonNode.DeepEquals(expected, actual), $"embedded {actual.ToJsonString()}\nalone    {expected.ToJsonString()}");
        }

        var call503 = children[call.SpanId.ToHexString()];
        Assert.Equal("remote", call503.GetProperty("namespace").GetString());
        Assert.True(call503.GetProperty("fault").GetBoolean());
        Assert.Equal("upstream down", call503.GetProperty("cause").GetProperty("exceptions")[0].GetProperty("message").GetString());
        Assert.Equal("andrewbrown", children[timeline.SpanId.ToHexString()].GetProperty("annotations").GetProperty("app_user").GetString());

        // Flattened, the spans are the independent documents they were before, parents and trace included.
        var spans = XRayDatagram.Parse(datagram).Spans();
        Assert.Equal(4, spans.Count);
        Assert.All(spans, s => Assert.Equal(TraceIds.ToXRay(server.TraceId), s.Get("trace_id")));
        Assert.Equal(server.SpanId.ToHexString(), spans.Single(s => s.Get("id") == timeline.SpanId.ToHexString()).Get("parent_id"));
        Assert.Equal(timeline.SpanId.ToHexString(), spans.Single(s => s.Get("id") == mock.SpanId.ToHexString()).Get("parent_id"));

        Assert.Equal((4L, 0L, 0L), (metrics.Exported, metrics.Dropped, metrics.Trimmed));
    }

    [Fact]
    public async Task A_span_whose_parent_is_not_in_the_batch_is_sent_as_before_and_server_spans_stay_segments()
    {
        using var exporter = Exporter("xray-embedded-orphan-test", out var options, out var metrics);
        var server = Span("GET /api/activities/home", ActivityKind.Server);
        var mock = Child("mock-data", ActivityKind.Internal, server, a => a.SetTag("results-size", 1));
        var call = Child("GET", ActivityKind.Client, server, a => a.SetTag("http.request.method", "GET").SetTag("server.address", "localhost"));
        // The same process answering its own call: a server span under a client span of the batch is a segment.
        var inner = Child("GET /api/activities/home", ActivityKind.Server, call);

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([mock], 1)));
        var alone = Encoding.UTF8.GetString(Assert.Single(await ReceiveAsync(1)));
        Assert.Equal(Write(mock, options), alone); // byte for byte today's independent subsegment
        var doc = XRayTestSpans.Document(alone);
        Assert.Equal("subsegment", doc.GetProperty("type").GetString());
        Assert.Equal(server.SpanId.ToHexString(), doc.GetProperty("parent_id").GetString());
        Assert.Equal(TraceIds.ToXRay(server.TraceId), doc.GetProperty("trace_id").GetString());

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([inner, call], 2)));
        var sent = (await ReceiveAsync(2)).Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(new[] { Write(call, options), Write(inner, options) }.Order(StringComparer.Ordinal), sent.Order(StringComparer.Ordinal));
        Assert.Equal((3L, 0L), (metrics.Exported, metrics.Dropped));
    }

    [Fact]
    public async Task A_combined_document_over_the_limit_falls_back_to_separate_datagrams_and_every_span_arrives()
    {
        using var exporter = Exporter("xray-embedded-split-test", out _, out var metrics, o => o.MaxDatagramBytes = 3000);
        var server = Span("GET /api/activities/home", ActivityKind.Server);
        var read = Child("read-timeline", ActivityKind.Internal, server, a => a.SetTag("blob", new string('r', 1200)));
        var mock = Child("mock-data", ActivityKind.Internal, read, a => a.SetTag("results-size", 1));
        var write = Child("write-cache", ActivityKind.Internal, server, a => a.SetTag("blob", new string('w', 4000)));
        Activity[] batch = [mock, read, write, server];

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>(batch, batch.Length)));

        // The segment alone; read-timeline as an independent subsegment still embedding mock-data (it fits);
        // write-cache alone, and (over the limit even alone) with its metadata shortened as before.
        var datagrams = (await ReceiveAsync(3)).Select(XRayDatagram.Parse).ToList();
        Assert.All(datagrams, d =>
        {
            Assert.True(d.Length <= 3000, $"{d.Length} B");
            XRaySchemaChecks.AssertValid(d.Document);
        });
        var byId = datagrams.ToDictionary(d => d.Get("id")!);
        Assert.Equal(
            new[] { server, read, write }.Select(s => s.SpanId.ToHexString()).Order(),
            byId.Keys.Order());
        Assert.False(byId[server.SpanId.ToHexString()].Document.TryGetProperty("subsegments", out _));
        var readDoc = byId[read.SpanId.ToHexString()];
        Assert.Equal("subsegment", readDoc.Get("type"));
        Assert.Equal(server.SpanId.ToHexString(), readDoc.Get("parent_id"));
        var embedded = Assert.Single(readDoc.Document.GetProperty("subsegments").EnumerateArray());
        Assert.Equal(mock.SpanId.ToHexString(), embedded.GetProperty("id").GetString());
        Assert.Equal(new string('r', 1200), readDoc.Document.GetProperty("metadata").GetProperty("default").GetProperty("blob").GetString());
        Assert.Equal(256, byId[write.SpanId.ToHexString()].Document.GetProperty("metadata").GetProperty("default").GetProperty("blob").GetString()!.Length);

        var spans = FakeXRayDaemon.Flatten(datagrams);
        Assert.Equal(batch.Select(s => s.SpanId.ToHexString()).Order(), spans.Select(s => s.Get("id")!).Order());
        Assert.Equal((4L, 0L, 1L), (metrics.Exported, metrics.Dropped, metrics.Trimmed));
    }

    [Fact]
    public async Task A_document_embeds_at_most_100_subsegments_and_the_rest_are_sent_independently()
    {
        using var exporter = Exporter("xray-embedded-limit-test", out _, out var metrics);
        var server = Span("GET /api/activities/home", ActivityKind.Server);
        var batch = Enumerable.Range(0, 150).Select(i => Child($"step-{i}", ActivityKind.Internal, server)).Append(server).ToArray();

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>(batch, batch.Length)));

        var datagrams = (await ReceiveAsync(51)).Select(XRayDatagram.Parse).ToList();
        var segment = Assert.Single(datagrams, d => d.Get("id") == server.SpanId.ToHexString());
        Assert.Equal(100, segment.Document.GetProperty("subsegments").GetArrayLength());
        Assert.All(datagrams.Where(d => d != segment), d =>
        {
            Assert.Equal("subsegment", d.Get("type"));
            Assert.Equal(server.SpanId.ToHexString(), d.Get("parent_id"));
            Assert.False(d.Document.TryGetProperty("subsegments", out _));
        });
        var spans = FakeXRayDaemon.Flatten(datagrams);
        Assert.Equal(batch.Select(s => s.SpanId.ToHexString()).Order(), spans.Select(s => s.Get("id")!).Order());
        Assert.Equal(151, metrics.Exported);
    }

    [Fact]
    public async Task The_exported_count_is_the_number_of_spans_and_drops_count_spans_too()
    {
        var now = new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);
        using var exporter = Exporter("xray-embedded-count-test", out var options, out var metrics, o =>
        {
            o.DropTraceIdsXRayRefuses = true;
            o.Time = new FakeTimeProvider(now);
        });

        // A trace X-Ray accepts (three spans, one datagram) and one it refuses (two spans, dropped one by one).
        var fresh = XRayTraceIdGenerator.NewTraceId(new FakeTimeProvider(now));
        var server = Source.CreateActivity("GET /api/activities/home", ActivityKind.Server,
            new ActivityContext(fresh, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true))!;
        server.Start();
        server.Stop();
        var first = Child("first", ActivityKind.Internal, server);
        var second = Child("second", ActivityKind.Internal, first);
        var stale = Span("GET /api/activities/home", ActivityKind.Server);
        var staleChild = Child("mock-data", ActivityKind.Internal, stale);
        Activity[] batch = [second, staleChild, first, stale, server];

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>(batch, batch.Length)));

        var datagram = XRayDatagram.Parse(Assert.Single(await ReceiveAsync(1)));
        Assert.Equal(3, datagram.Spans().Count);
        Assert.Equal((3L, 2L), (metrics.Exported, metrics.Dropped));

        // A daemon port that is closed: a combined datagram that cannot be sent drops (and counts) all its spans.
        int closedPort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            closedPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        }

        var closedMetrics = new SinkMetrics("xray-embedded-closed-port-test");
        using var closed = new XRayExporter(Options(o => o.DaemonAddress = $"127.0.0.1:{closedPort}"), closedMetrics, Resource);
        for (var i = 0; i < 10; i++)
        {
            closed.Export(new Batch<Activity>([second, first, server], 3));
        }

        Assert.True(closedMetrics.Dropped >= 12, $"dropped {closedMetrics.Dropped}, exported {closedMetrics.Exported}");
        Assert.Equal(0, closedMetrics.Dropped % 3);
        Assert.Equal(30, closedMetrics.Dropped + closedMetrics.Exported);
    }

    /// <summary>The next <paramref name="count"/> datagrams, then checks no other one is waiting.</summary>
    private async Task<List<byte[]>> ReceiveAsync(int count)
    {
        var datagrams = new List<byte[]>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (datagrams.Count < count)
        {
            datagrams.Add((await _daemon.ReceiveAsync(cts.Token)).Buffer);
        }

        Assert.Equal(0, _daemon.Available);
        return datagrams;
    }
}
