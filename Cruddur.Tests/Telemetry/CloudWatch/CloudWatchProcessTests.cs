using System.Diagnostics;
using System.Text.Json;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>
/// The real gateway and silo processes log to CloudWatch Logs (moto_server) with the example
/// credentials; after a few requests and a SIGTERM, group <c>cruddur</c> holds one stream per process with the access
/// lines and the grain's <c>HomeActivities</c> line, each carrying the trace id of the request that wrote it.
/// </summary>
public sealed class CloudWatchProcessTests(MotoServer moto, ITestOutputHelper output) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task Gateway_and_silo_processes_deliver_trace_correlated_lines_to_their_own_streams_by_sigterm()
    {
        var environment = new Dictionary<string, string?>
        {
            ["CLOUDWATCH_LOG_GROUP"] = "cruddur",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = moto.Endpoint.ToString(),
        };
        await using var cluster = await CruddurCluster.StartAsync(environment, environment);
        var silo = cluster.Silos.Single();
        using var http = cluster.CreateClient();

        var traceIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            traceIds.Add(traceId);
            // The caller's trace, sent as traceparent (the cluster's HttpClient adds no trace headers of its own).
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/activities/home?n={i}");
            request.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
            using var response = await http.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
        }

        // SIGTERM right away: what was logged must be delivered by the shutdown flush, not by a lucky timer.
        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(0, await cluster.Gateway.TerminateAsync(TimeSpan.FromSeconds(30)));
        var gatewayStop = stopwatch.Elapsed;
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"gateway exited {gatewayStop.TotalMilliseconds:F0} ms after SIGTERM, silo {(stopwatch.Elapsed - gatewayStop).TotalMilliseconds:F0} ms after its own");

        var streams = await moto.StreamsAsync("cruddur");
        // Each process's log stream (its metrics stream, {service}/{host}/{pid}-metrics, holds EMF events).
        var gatewayStream = Assert.Single(streams, s => s.StartsWith($"cruddur-gateway/{Environment.MachineName}/{cluster.Gateway.Pid}-", StringComparison.Ordinal)
                                                        && !s.EndsWith("-metrics", StringComparison.Ordinal));
        var siloStream = Assert.Single(streams, s => s.StartsWith($"cruddur-silo/{Environment.MachineName}/{silo.Pid}-", StringComparison.Ordinal)
                                                     && !s.EndsWith("-metrics", StringComparison.Ordinal));

        var gatewayEvents = await moto.ReadAsync("cruddur", gatewayStream);
        var siloEvents = await moto.ReadAsync("cruddur", siloStream);
        output.WriteLine($"gateway stream {gatewayStream}: {gatewayEvents.Count} events; silo stream {siloStream}: {siloEvents.Count} events");

        for (var i = 0; i < 3; i++)
        {
            var traceId = traceIds[i];
            var access = Assert.Single(gatewayEvents, e => e.TryGetProperty("trace_id", out var t) && t.GetString() == traceId
                                                           && e.GetProperty("category").GetString() == "Cruddur.Gateway.Hosting.AccessLogMiddleware");
            var state = access.GetProperty("state");
            Assert.Equal($"/api/activities/home?n={i}", state.GetProperty("PathAndQuery").GetString());
            Assert.Equal("GET", state.GetProperty("Method").GetString());
            Assert.Equal("http", state.GetProperty("Scheme").GetString());
            Assert.Equal(200, state.GetProperty("StatusCode").GetInt32());
            Assert.Equal("127.0.0.1", state.GetProperty("RemoteAddress").GetString());
            Assert.True(state.GetProperty("DurationMs").GetDouble() > 0);
            Assert.Equal("Information", access.GetProperty("level").GetString());
            Assert.Equal("cruddur-gateway", access.GetProperty("service").GetString());
            Assert.Equal($"1-{traceId[..8]}-{traceId[8..]}", access.GetProperty("xray_trace_id").GetString());

            var home = Assert.Single(siloEvents, e => e.GetProperty("message").GetString() == "HomeActivities"
                                                      && e.TryGetProperty("trace_id", out var t) && t.GetString() == traceId);
            Assert.Equal("Cruddur.Grains.HomeTimelineGrain", home.GetProperty("category").GetString());
            Assert.Equal("cruddur-silo", home.GetProperty("service").GetString());
        }
    }
}
