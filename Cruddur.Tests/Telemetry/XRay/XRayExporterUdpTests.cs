using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cruddur.Telemetry;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Fakes;
using OpenTelemetry;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>Real datagrams through the SDK's batch processor to a UDP socket the test owns on 127.0.0.1.</summary>
public sealed class XRayExporterUdpTests : IDisposable
{
    private readonly UdpClient _daemon = new(new IPEndPoint(IPAddress.Loopback, 0));

    private int Port => ((IPEndPoint)_daemon.Client.LocalEndPoint!).Port;

    public void Dispose() => _daemon.Dispose();

    [Theory]
    [InlineData("127.0.0.1:{0}")]
    [InlineData("localhost:{0}")]
    [InlineData("tcp:127.0.0.1:2000 udp:localhost:{0}")]
    public async Task Every_span_arrives_in_a_datagram_with_header_and_one_document(string addressFormat)
    {
        var address = string.Format(System.Globalization.CultureInfo.InvariantCulture, addressFormat, Port);
        var options = XRayTestSpans.Options(o => { o.DaemonAddress = address; o.ServiceName = "cruddur-gateway"; });
        // The SDK's batch processor, driven directly: building a TracerProvider through Sdk would switch the
        // process-wide default propagator, which changes HttpClient behaviour for other tests in this process.
        using var processor = XRayExporterExtensions.CreateProcessor(new XRayExporter(options), options);

        ActivityTraceId traceId;
        ActivitySpanId serverId, childId;
        var server = XRayTestSpans.Span("GET /api/activities/home", ActivityKind.Server, root: true, configure: a =>
            a.SetTag("http.request.method", "GET").SetTag("http.response.status_code", 200));
        var child = XRayTestSpans.Span("mock-data", ActivityKind.Internal, configure: a => a.SetTag("results-size", 1));
        child = Reparent(child, server);
        traceId = server.TraceId;
        serverId = server.SpanId;
        childId = child.SpanId;
        processor.OnEnd(server);
        processor.OnEnd(child);

        Assert.True(processor.ForceFlush(5000));

        // Usually one datagram, the child embedded in the segment (same batch); two if the processor's schedule
        // split the batch between the two spans. Either way each span once, as its independent document would be.
        var documents = new Dictionary<string, System.Text.Json.JsonElement>();
        while (documents.Count < 2)
        {
            var datagram = await ReceiveAsync();
            Assert.True(datagram.Length < 64 * 1024);
            var text = Encoding.UTF8.GetString(datagram);
            Assert.StartsWith("{\"format\":\"json\",\"version\":1}\n", text);
            Assert.Equal(1, text.Count(c => c == '\n'));
            XRaySchemaChecks.AssertValid(XRayTestSpans.Document(text));
            foreach (var span in XRayDatagram.Parse(datagram).Spans())
            {
                Assert.True(documents.TryAdd(span.Get("id")!, span.Document), $"span {span.Get("id")} arrived twice");
            }
        }

        var segment = documents[serverId.ToHexString()];
        var subsegment = documents[childId.ToHexString()];
        Assert.Equal(TraceIds.ToXRay(traceId), segment.GetProperty("trace_id").GetString());
        Assert.Equal("cruddur-gateway", segment.GetProperty("name").GetString());
        Assert.Equal(TraceIds.ToXRay(traceId), subsegment.GetProperty("trace_id").GetString());
        Assert.Equal(serverId.ToHexString(), subsegment.GetProperty("parent_id").GetString());
        Assert.Equal("subsegment", subsegment.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Exporter_counts_sent_trimmed_and_too_large_and_never_throws()
    {
        var metrics = new SinkMetrics("xray-test");
        using var exporter = new XRayExporter(XRayTestSpans.Options(o => o.DaemonAddress = $"127.0.0.1:{Port}"), metrics, XRayTestSpans.Resource);

        var small = XRayTestSpans.Span("mock-data", ActivityKind.Internal);
        var big = XRayTestSpans.Span("mock-data", ActivityKind.Internal, configure: a =>
        {
            for (var i = 0; i < 100; i++)
            {
                a.SetTag($"blob{i}", new string('x', 1000));
            }
        });

        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([small, big], 2)));
        Assert.Equal(2, metrics.Exported);
        Assert.Equal(1, metrics.Trimmed);
        var first = await ReceiveAsync();
        var second = await ReceiveAsync();
        Assert.True(second.Length < 64_000, $"trimmed datagram is {second.Length} bytes");
        XRaySchemaChecks.AssertValid(XRayTestSpans.Document(Encoding.UTF8.GetString(first)));
        XRaySchemaChecks.AssertValid(XRayTestSpans.Document(Encoding.UTF8.GetString(second)));

        using var tiny = new XRayExporter(XRayTestSpans.Options(o => { o.DaemonAddress = $"127.0.0.1:{Port}"; o.MaxDatagramBytes = 100; }), metrics, XRayTestSpans.Resource);
        var result = tiny.Export(new Batch<Activity>([small], 1));
        Assert.Equal(ExportResult.Success, result);
        Assert.Equal(1, metrics.Dropped);
        Assert.Equal(2, metrics.Exported);
    }

    [Fact]
    public async Task Spans_of_a_trace_xray_would_refuse_are_dropped_and_counted()
    {
        var now = new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);
        var metrics = new SinkMetrics("xray-trace-age-test");
        using var exporter = new XRayExporter(XRayTestSpans.Options(o =>
        {
            o.DaemonAddress = $"127.0.0.1:{Port}";
            o.DropTraceIdsXRayRefuses = true;
            o.Time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        }), metrics, XRayTestSpans.Resource);

        // The fixture's trace started in 2011 (4efaaf4d…): X-Ray refuses it, so it is not sent.
        var stale = XRayTestSpans.Span("mock-data", ActivityKind.Internal);
        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([stale], 1)));
        Assert.Equal((0L, 1L), (metrics.Exported, metrics.Dropped));

        // A trace id made by our generator at that moment passes and arrives.
        var fresh = XRayTraceIdGenerator.NewTraceId(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));
        var current = XRayTestSpans.Source.CreateActivity("mock-data", ActivityKind.Internal,
            new ActivityContext(fresh, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true))!;
        current.Start();
        current.Stop();
        Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([current], 1)));
        Assert.Equal((1L, 1L), (metrics.Exported, metrics.Dropped));
        var datagram = Encoding.UTF8.GetString(await ReceiveAsync());
        Assert.Contains(TraceIds.ToXRay(fresh), datagram, StringComparison.Ordinal);
    }

    [Fact]
    public void Spans_sent_to_a_closed_daemon_port_are_counted_as_dropped_not_exported()
    {
        int closedPort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            closedPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        }

        var metrics = new SinkMetrics("xray-closed-port-test");
        using var exporter = new XRayExporter(XRayTestSpans.Options(o => o.DaemonAddress = $"127.0.0.1:{closedPort}"), metrics, XRayTestSpans.Resource);
        var span = XRayTestSpans.Span("mock-data", ActivityKind.Internal);
        for (var i = 0; i < 10; i++)
        {
            exporter.Export(new Batch<Activity>([span], 1)); // never throws
        }

        // The kernel answers each datagram to a closed loopback port with ICMP port unreachable, which the
        // connected socket reports on the next send: about every other span is visibly dropped.
        Assert.True(metrics.Dropped >= 4, $"dropped {metrics.Dropped}, exported {metrics.Exported}");
        Assert.Equal(10, metrics.Dropped + metrics.Exported);
    }

    /// <summary>A finished internal span under <paramref name="parent"/> (same trace).</summary>
    private static Activity Reparent(Activity span, Activity parent)
    {
        var child = XRayTestSpans.Source.CreateActivity(span.DisplayName, span.Kind, parent.Context)!;
        child.SetStartTime(parent.StartTimeUtc);
        child.Start();
        foreach (var tag in span.TagObjects)
        {
            child.SetTag(tag.Key, tag.Value);
        }

        child.SetEndTime(parent.StartTimeUtc.AddMilliseconds(5));
        child.Stop();
        return child;
    }

    private async Task<byte[]> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await _daemon.ReceiveAsync(cts.Token);
        return result.Buffer;
    }
}
