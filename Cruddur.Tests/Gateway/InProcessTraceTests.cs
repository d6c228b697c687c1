using System.Diagnostics;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Cruddur.Tests.Gateway;

/// <summary>
/// The gateway's own tracer provider (AddCruddurTelemetry) sees the whole chain in-process: ASP.NET Core server span
/// → Orleans client span → Orleans server span (in the TestCluster silo) → the grain's own span.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InProcessTraceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Home_request_is_one_unbroken_trace_down_to_the_grains_span()
    {
        var captured = new CapturingProcessor();
        await using var factory = new GatewayFactory(fixture.Cluster,
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(captured)));
        using var http = factory.CreateClient();

        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/home");
        request.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();

        // The server span ends just after the response is written: wait for it.
        var trace = (await captured.WaitForAsync(
                ended => ended.Any(a => a.TraceId == traceId && a.Kind == ActivityKind.Server && a.Source.Name == "Microsoft.AspNetCore"),
                TimeSpan.FromSeconds(30)))
            .Where(a => a.TraceId == traceId).ToList();

        var server = Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.Source.Name == "Microsoft.AspNetCore");
        var client = Assert.Single(trace, a => a.Kind == ActivityKind.Client && a.DisplayName == "IHomeTimelineGrain/GetActivitiesAsync");
        var grain = Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.DisplayName == "IHomeTimelineGrain/GetActivitiesAsync");
        var mock = Assert.Single(trace, a => a.DisplayName == "home-activities-mock-data");

        Assert.Equal(server.SpanId, client.ParentSpanId);
        Assert.Equal(client.SpanId, grain.ParentSpanId);
        Assert.Equal(grain.SpanId, mock.ParentSpanId);
        Assert.Equal("Microsoft.Orleans.Application", client.Source.Name);
        Assert.Equal(3, mock.GetTagItem("app.result_length"));
        Assert.IsType<string>(mock.GetTagItem("app.now"));
        Assert.DoesNotContain(trace, a => a.Source.Name == "Microsoft.Orleans.Runtime");
    }
}
