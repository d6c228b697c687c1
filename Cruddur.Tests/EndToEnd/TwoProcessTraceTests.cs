using System.Diagnostics;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The mission's central claim, with nothing faked in-process: the real gateway and silo processes export OTLP
/// http/protobuf to a receiver the test owns, and one request yields one trace across both.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class TwoProcessTraceTests
{
    [Fact]
    public async Task One_request_is_one_trace_across_gateway_and_silo_processes()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var otlp = CruddurCluster.OtlpTo(receiver.Endpoint);
        await using var cluster = await CruddurCluster.StartAsync(otlp, otlp);
        using var http = cluster.CreateClient();

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/home");
        request.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
        using var response = await http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);

        var spans = await receiver.WaitForAsync(
            all => TestTrace.HasGrainRequest(all, traceId, "home-activities-mock-data"),
            TimeSpan.FromSeconds(60));
        var trace = spans.Where(s => s.TraceId == traceId).ToList();

        var server = Assert.Single(trace, s => s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindServer);
        var grainClient = Assert.Single(trace, s => s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindClient
                                                    && s.Name == "IHomeTimelineGrain/GetActivitiesAsync");
        var grainServer = Assert.Single(trace, s => s.ServiceName == "cruddur-silo" && s.Kind == ReceivedSpan.KindServer
                                                    && s.Name == "IHomeTimelineGrain/GetActivitiesAsync");
        var mock = Assert.Single(trace, s => s.ServiceName == "cruddur-silo" && s.Name == "home-activities-mock-data");

        Assert.Equal(server.SpanId, grainClient.ParentSpanId);
        Assert.Equal(grainClient.SpanId, grainServer.ParentSpanId);
        Assert.Equal(grainServer.SpanId, mock.ParentSpanId);
        Assert.Equal(3L, mock.Attributes["app.result_length"]);
        Assert.True(DateTimeOffset.TryParse((string)mock.Attributes["app.now"]!, out _));
        Assert.Equal("/api/activities/home", server.Attributes["url.path"]);
    }
}
