using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Cruddur.Telemetry.XRay;
using OpenTelemetry.Resources;

namespace Cruddur.Benchmarks.Telemetry;

/// <summary>
/// Span → X-Ray daemon datagram (<see cref="XRaySegmentWriter.TryWrite"/>), the X-Ray exporter's per-span work
/// before the UDP send: a gateway server span with the ASP.NET Core HTTP attributes (→ segment with an <c>http</c>
/// block), and the silo's <c>mock-data</c> internal span (→ independent subsegment with metadata).
/// The writer reuses its buffer, as the exporter's does; the datagram length is returned.
/// </summary>
[MemoryDiagnoser]
public class XRaySegmentBenchmarks
{
    private const string SourceName = "Cruddur.Benchmarks.XRay";
    private static readonly ActivitySource Source = new(SourceName);
    private ActivityListener? _listener;
    private Activity _server = null!;
    private Activity _mockData = null!;
    private XRaySegmentWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName, // not Source: the listener runs inside its initialiser
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);

        var start = new DateTime(2026, 11, 28, 14, 0, 0, 125, DateTimeKind.Utc);
        _server = Finished("GET /api/activities/home", ActivityKind.Server, default, start, a => a
            .SetTag("http.request.method", "GET")
            .SetTag("url.scheme", "http")
            .SetTag("url.path", "/api/activities/home")
            .SetTag("server.address", "127.0.0.1")
            .SetTag("server.port", 4567)
            .SetTag("network.protocol.version", "1.1")
            .SetTag("user_agent.original", "wrk/4.2")
            .SetTag("client.address", "127.0.0.1")
            .SetTag("http.route", "/api/activities/home")
            .SetTag("http.response.status_code", 200));
        var parent = new ActivityContext(_server.TraceId, _server.SpanId, ActivityTraceFlags.Recorded, isRemote: true);
        _mockData = Finished("mock-data", ActivityKind.Internal, parent, start.AddMilliseconds(1), a => a
            .SetTag("now", "2026-11-28T14:00:00.1260000+00:00")
            .SetTag("results-size", 3));

        var options = new XRayExporterOptions
        {
            DaemonAddress = null,
            TracingName = null,
            DynamicNamingPattern = null,
            IndexedAttributes = [],
            ServiceName = null,
        };
        var resource = ResourceBuilder.CreateEmpty()
            .AddService("cruddur-gateway", serviceVersion: "1.0.0", serviceInstanceId: "bench/1")
            .AddTelemetrySdk()
            .Build();
        _writer = new XRaySegmentWriter(options, resource);
        if (!_writer.TryWrite(_server, out _, out _) || !_writer.TryWrite(_mockData, out _, out _))
        {
            throw new InvalidOperationException("the benchmark spans should fit a datagram");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _listener?.Dispose();

    [Benchmark(Description = "server span (HTTP) -> segment")]
    public int ServerSpan()
    {
        _writer.TryWrite(_server, out var datagram, out _);
        return datagram.Length;
    }

    [Benchmark(Description = "mock-data span -> subsegment")]
    public int MockDataSpan()
    {
        _writer.TryWrite(_mockData, out var datagram, out _);
        return datagram.Length;
    }

    private static Activity Finished(string name, ActivityKind kind, ActivityContext parent, DateTime start, Action<Activity> tags)
    {
        var activity = Source.CreateActivity(name, kind, parent) ?? throw new InvalidOperationException("no listener");
        activity.SetStartTime(start);
        activity.Start();
        tags(activity);
        activity.SetEndTime(start.AddTicks(12_500));
        activity.Stop();
        return activity;
    }
}
