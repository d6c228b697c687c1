using System.Diagnostics;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// HONEYCOMB_API_KEY sends http/protobuf to {HONEYCOMB_ENDPOINT}/v1/traces with x-honeycomb-team, alongside the
/// standard OTLP exporter when both are configured; OTEL_SERVICE_NAME renames the service. Metrics go to
/// {HONEYCOMB_ENDPOINT}/v1/metrics with x-honeycomb-dataset as well (cruddur-metrics, or HONEYCOMB_METRICS_DATASET).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class HoneycombExportTests
{
    [Fact]
    public async Task Honeycomb_and_standard_otlp_both_receive_the_trace()
    {
        await using var honeycomb = await OtlpReceiver.StartAsync();
        await using var collector = await OtlpReceiver.StartAsync();
        var env = CruddurCluster.OtlpTo(collector.Endpoint);
        env["HONEYCOMB_API_KEY"] = "test-ingest-key-not-a-secret";
        env["HONEYCOMB_ENDPOINT"] = honeycomb.Endpoint + "/";
        env["OTEL_METRIC_EXPORT_INTERVAL"] = "500"; // the SDK's periodic reader: every 0.5 s instead of 60 s
        var gatewayEnv = new Dictionary<string, string?>(env) { ["OTEL_SERVICE_NAME"] = "renamed-gateway", ["HONEYCOMB_METRICS_DATASET"] = "gateway-metrics" };
        await using var cluster = await CruddurCluster.StartAsync(env, gatewayEnv);
        using var http = cluster.CreateClient();

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/@andrewbrown");
        request.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        bool WholeTrace(IReadOnlyList<ReceivedSpan> spans) =>
            spans.Any(s => s.TraceId == traceId && s.ServiceName == "renamed-gateway")
            && spans.Any(s => s.TraceId == traceId && s.ServiceName == "cruddur-silo" && s.Name == "mock-data");

        var viaHoneycomb = await honeycomb.WaitForAsync(WholeTrace, TimeSpan.FromSeconds(60));
        await collector.WaitForAsync(WholeTrace, TimeSpan.FromSeconds(60));

        Assert.All(honeycomb.TraceRequestHeaders, h => Assert.Equal("test-ingest-key-not-a-secret", h["x-honeycomb-team"]));
        Assert.All(collector.TraceRequestHeaders, h => Assert.False(h.ContainsKey("x-honeycomb-team")));
        // The gateway names its dataset; the silo uses the default.
        var metricHeaders = await honeycomb.WaitForMetricsAsync(seen =>
            seen.Any(h => h.GetValueOrDefault("x-honeycomb-dataset") == "gateway-metrics")
            && seen.Any(h => h.GetValueOrDefault("x-honeycomb-dataset") == "cruddur-metrics"), TimeSpan.FromSeconds(60));
        Assert.All(metricHeaders, h => Assert.Equal("test-ingest-key-not-a-secret", h["x-honeycomb-team"]));
        Assert.All(collector.MetricRequestHeaders, h => Assert.False(h.ContainsKey("x-honeycomb-dataset")));

        var mock = viaHoneycomb.Single(s => s.TraceId == traceId && s.Name == "mock-data");
        Assert.Equal(1L, mock.Attributes["results-size"]);
        Assert.IsType<string>(mock.Attributes["now"]);
    }

    [Fact]
    public async Task Services_start_and_serve_with_every_variable_empty_as_compose_passes_unset_ones()
    {
        // docker-compose.yml passes the variables of the contract, most as "" when the operator left them unset.
        var empty = ComposeFileTests.PassedEmptyWhenUnset().ToDictionary(v => v, string? (_) => "");
        empty["OTEL_SERVICE_NAME"] = "";
        await using var cluster = await CruddurCluster.StartAsync(empty, empty);
        using var http = cluster.CreateClient();

        using var home = await http.GetAsync("/api/activities/home");
        Assert.Equal(200, (int)home.StatusCode);

        // Kestrel itself refuses a NUL in the path (400) before any routing: it never reaches a grain key.
        using var nul = await http.GetAsync("/api/activities/@andrew%00brown");
        Assert.Equal(400, (int)nul.StatusCode);
    }
}
