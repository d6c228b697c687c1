using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The real gateway and silo processes report to a fake Rollbar the test owns on 127.0.0.1.
/// The grain failure comes from the silo's fault switch (<c>Cruddur__Faults__ThrowForHandle</c>, off unless set),
/// reached through the ordinary <c>/api/activities/@handle</c> route.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RollbarEndToEndTests
{
    private const string FakeToken = "fake-e2e-rollbar-token";
    private const string FaultyHandle = "faulty_handle";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Rollbar_items_from_gateway_and_silo_are_single_traced_and_free_of_secrets()
    {
        await using var rollbar = await FakeRollbarServer.StartAsync();
        var env = new Dictionary<string, string?>
        {
            ["ROLLBAR_ACCESS_TOKEN"] = FakeToken,
            ["ROLLBAR_ENDPOINT"] = rollbar.Endpoint.ToString(),
            ["ROLLBAR_ENVIRONMENT"] = "e2e",
        };
        var siloEnv = new Dictionary<string, string?>(env) { ["Cruddur__Faults__ThrowForHandle"] = FaultyHandle };
        await using var cluster = await CruddurCluster.StartAsync(siloEnv, env);
        // No propagator: when another test in this process has HttpClient instrumentation alive, the handler would
        // otherwise replace our traceparent with one of its own span's.
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = cluster.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var bearer = $"canary-bearer-{Guid.NewGuid():N}";
        var cookie = $"canary-cookie-{Guid.NewGuid():N}";

        // 1. /rollbar/test → one warning item "Hello World!" (carrying the request, scrubbed).
        using (var test = WithSecrets(new HttpRequestMessage(HttpMethod.Get, "/rollbar/test"), bearer, cookie))
        using (var response = await http.SendAsync(test))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Hello World!", await response.Content.ReadAsStringAsync());
        }

        var hello = Assert.Single(await rollbar.WaitForRequestsAsync(1, Wait)).Data!;
        Assert.Equal("warning", hello["level"]!.GetValue<string>());
        Assert.Equal("Hello World!", hello["body"]!["message"]!["body"]!.GetValue<string>());
        Assert.Equal("e2e", hello["environment"]!.GetValue<string>());
        Assert.Equal("cruddur-gateway", hello["custom"]!["service"]!.GetValue<string>());
        Assert.Equal("***", Header(hello, "Authorization"));
        Assert.Equal("***", Header(hello, "Cookie"));

        // 2. A grain that throws → problem+json without the exception text, and one error item from the silo.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var failing = WithSecrets(new HttpRequestMessage(HttpMethod.Get, $"/api/activities/@{FaultyHandle}"), bearer, cookie))
        {
            failing.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
            using var response = await http.SendAsync(failing);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(traceId, JsonNode.Parse(text)!["traceId"]!.GetValue<string>());
            Assert.DoesNotContain("Injected fault", text);
            Assert.DoesNotContain("InvalidOperationException", text);
            Assert.DoesNotContain(" at ", text);
        }

        await rollbar.WaitForRequestsAsync(2, Wait);

        // Stop both processes gracefully: each flushes its log exporter and Rollbar queue on the way out, so after
        // this everything either would ever send has arrived, and "exactly one" is a real count.
        await cluster.Gateway.TerminateAsync(Wait);
        foreach (var silo in cluster.Silos)
        {
            await silo.TerminateAsync(Wait);
        }

        var items = rollbar.Items;
        var errors = items.Where(i => i["level"]!.GetValue<string>() is "error" or "critical").ToList();
        var error = Assert.Single(errors, i => true);
        Assert.Equal("cruddur-silo", error["custom"]!["service"]!.GetValue<string>());
        Assert.Equal(traceId, error["custom"]!["trace_id"]!.GetValue<string>());
        Assert.Equal($"1-{traceId[..8]}-{traceId[8..]}", error["custom"]!["xray_trace_id"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{16}$", error["custom"]!["span_id"]!.GetValue<string>());
        Assert.Equal(FaultyHandle, error["custom"]!["grain_id"]!.GetValue<string>());
        Assert.Equal("GetActivitiesAsync", error["custom"]!["grain_method"]!.GetValue<string>());
        Assert.Contains("UserGrain", error["custom"]!["grain_type"]!.GetValue<string>());
        var chain = error["body"]!["trace_chain"]!.AsArray();
        Assert.Equal(["System.InvalidOperationException", "System.IO.IOException", "System.FormatException"],
            chain.Select(t => t!["exception"]!["class"]!.GetValue<string>()));
        Assert.Single(items, i => i["level"]!.GetValue<string>() == "warning");

        // 3. Neither secret, nor the token, anywhere in any payload.
        foreach (var request in rollbar.Requests)
        {
            Assert.DoesNotContain(bearer, request.Body);
            Assert.DoesNotContain(cookie, request.Body);
            Assert.DoesNotContain(FakeToken, request.Body);
            Assert.Equal(FakeToken, request.Headers["X-Rollbar-Access-Token"]);
        }
    }

    private static HttpRequestMessage WithSecrets(HttpRequestMessage request, string bearer, string cookie)
    {
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {bearer}");
        request.Headers.TryAddWithoutValidation("Cookie", $"session={cookie}; theme=dark");
        return request;
    }

    private static string? Header(JsonObject item, string name) =>
        item["request"]?["headers"]?.AsObject()
            .FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();
}
