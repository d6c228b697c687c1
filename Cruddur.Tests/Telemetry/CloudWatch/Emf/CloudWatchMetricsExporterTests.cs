using System.Diagnostics.Metrics;
using System.Text.Json;
using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cruddur.Tests.Telemetry.CloudWatch.Emf;

/// <summary>
/// The exporter under a real MeterProvider: instruments on a meter of this test's own (so other tests' measurements
/// never mix in) named like the allow-listed ones; each ForceFlush is one collection.
/// </summary>
public sealed class CloudWatchMetricsExporterTests : IDisposable
{
    private readonly Meter _meter = new($"Cruddur.Tests.Emf.{Guid.NewGuid():N}");
    private readonly FakeMetricsLogStream _stream = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero));
    private readonly MeterProvider _provider;

    public CloudWatchMetricsExporterTests()
    {
        var options = new CloudWatchMetricsExporterOptions { Host = "test-host", TimeProvider = _time };
        options.Logs.ServiceName = "cruddur-gateway";
        var exporter = new CloudWatchMetricsExporter(options, _stream);
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddReader(new BaseExportingMetricReader(exporter))
            .Build();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    private List<JsonElement> Collect()
    {
        _stream.Events.Clear();
        Assert.True(_provider.ForceFlush());
        return _stream.Documents;
    }

    /// <summary>As ASP.NET Core creates it: seconds, with its bucket boundaries as advice.</summary>
    private Histogram<double> RequestDuration() => _meter.CreateHistogram("http.server.request.duration", "s", null, null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });

    private static IEnumerable<string> MetricNames(JsonElement document) =>
        document.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()!);

    [Fact]
    public void Request_durations_are_counted_per_route_method_and_status_class_other_attributes_summed_away()
    {
        var duration = RequestDuration();
        void Request(string route, int status, string scheme = "http", double seconds = 0.02) =>
            duration.Record(seconds, new("http.route", route), new("http.request.method", "GET"),
                new("http.response.status_code", status), new("url.scheme", scheme), new("network.protocol.version", "1.1"));

        Request("/api/activities/home", 200);
        Request("/api/activities/home", 200, scheme: "https");
        Request("/api/activities/home", 201, seconds: 0.3);
        Request("/api/activities/home", 503);
        Request("/api/activities/{uuid:guid}", 404);

        var documents = Collect();

        JsonElement Find(string route, string statusClass) => Assert.Single(documents,
            d => d.GetProperty("Route").GetString() == route && d.GetProperty("StatusClass").GetString() == statusClass);
        var ok = Find("/api/activities/home", "2xx");
        Assert.Equal("cruddur-gateway", ok.GetProperty("Service").GetString());
        Assert.Equal("GET", ok.GetProperty("Method").GetString());
        Assert.False(ok.TryGetProperty("url.scheme", out _));
        var stats = ok.GetProperty("http.server.request.duration");
        Assert.Equal(3, stats.GetProperty("Count").GetDouble());
        Assert.Equal(0.34, stats.GetProperty("Sum").GetDouble(), 6);
        Assert.Equal(3, stats.GetProperty("Counts").EnumerateArray().Sum(c => c.GetDouble()));
        Assert.InRange(stats.GetProperty("Min").GetDouble(), 0.02 - 1e-9, 0.02 + 1e-9);
        Assert.InRange(stats.GetProperty("Max").GetDouble(), 0.3 - 1e-9, 0.3 + 1e-9);
        Assert.Equal(1, Find("/api/activities/home", "5xx").GetProperty("http.server.request.duration").GetProperty("Count").GetDouble());
        Assert.Equal(1, Find("/api/activities/{uuid:guid}", "4xx").GetProperty("http.server.request.duration").GetProperty("Count").GetDouble());

        var sets = ok.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").EnumerateArray()
            .Select(s => string.Join(',', s.EnumerateArray().Select(k => k.GetString()))).ToList();
        Assert.Equal(["Service,Route,Method,StatusClass", "Service,Route", "Service,StatusClass"], sets);
        Assert.All(documents, d => Assert.Equal("Seconds", d.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics")[0].GetProperty("Unit").GetString()));
        Assert.All(_stream.Events, e => Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), e.Timestamp));
    }

    [Fact]
    public void An_interval_without_requests_sends_no_latency_and_the_next_one_only_its_own()
    {
        var duration = RequestDuration();
        var tags = new System.Diagnostics.TagList { { "http.route", "/api/activities/home" }, { "http.request.method", "GET" }, { "http.response.status_code", 200 } };
        duration.Record(0.01, tags);
        duration.Record(0.01, tags);
        Assert.Single(Collect());

        Assert.Empty(Collect());

        duration.Record(0.5, tags);
        var stats = Assert.Single(Collect()).GetProperty("http.server.request.duration");
        Assert.Equal(1, stats.GetProperty("Count").GetDouble());
        Assert.Equal(0.5, stats.GetProperty("Sum").GetDouble(), 9);
        Assert.True(stats.GetProperty("Min").GetDouble() >= 0.25, "the interval's minimum is bounded by its own bucket, not the lifetime's 0.01");
    }

    [Fact]
    public void Counters_are_sent_as_deltas_gauges_as_values_and_unlisted_metrics_not_at_all()
    {
        var exported = _meter.CreateCounter<long>("cruddur.telemetry.exported", "{item}");
        var threads = 7;
        _meter.CreateObservableGauge("dotnet.thread_pool.thread.count", () => threads, "{thread}");
        _meter.CreateCounter<long>("some.unlisted.metric").Add(1);
        exported.Add(5, new KeyValuePair<string, object?>("sink", "xray"));

        var first = Collect();
        var sink = Assert.Single(first, d => d.TryGetProperty("cruddur.telemetry.exported", out _));
        Assert.Equal(5, sink.GetProperty("cruddur.telemetry.exported").GetDouble());
        Assert.Equal("xray", sink.GetProperty("Sink").GetString());
        Assert.Equal("test-host", sink.GetProperty("Host").GetString());
        var pool = Assert.Single(first, d => d.TryGetProperty("dotnet.thread_pool.thread.count", out _));
        Assert.Equal(7, pool.GetProperty("dotnet.thread_pool.thread.count").GetDouble());
        Assert.DoesNotContain(first, d => d.TryGetProperty("some.unlisted.metric", out _));

        exported.Add(3, new KeyValuePair<string, object?>("sink", "xray"));
        threads = 9;
        var second = Collect();
        Assert.Equal(3, Assert.Single(second, d => d.TryGetProperty("cruddur.telemetry.exported", out _)).GetProperty("cruddur.telemetry.exported").GetDouble());
        Assert.Equal(9, Assert.Single(second, d => d.TryGetProperty("dotnet.thread_pool.thread.count", out _)).GetProperty("dotnet.thread_pool.thread.count").GetDouble());
        Assert.All(second.SelectMany(MetricNames), n => Assert.NotEqual("some.unlisted.metric", n));
    }
}
