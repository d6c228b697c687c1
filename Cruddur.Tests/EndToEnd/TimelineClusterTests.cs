using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Gateway;
using Cruddur.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The real timeline on the compose topology run as processes: redis-server, two silos with Redis clustering, state
/// and reminders, and the gateway. Fan-out across silos in one trace, durability through kill -9, and Redis outages.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class TimelineClusterTests(ITestOutputHelper output)
{
    private const string RedisScope = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    [Fact]
    public async Task A_post_fans_out_to_40_followers_on_both_silos_in_one_trace_down_to_redis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var cluster = await CruddurCluster.StartWithRedisAsync(redis, silos: 2, CruddurCluster.OtlpTo(receiver.Endpoint));
        using var http = cluster.CreateClient();

        var author = TestApi.NewHandle("author");
        var followers = Enumerable.Range(0, 40).Select(i => $"{author}_{i}").ToList();
        await SendOk(http, TestApi.Post("/api/activities", author, """{"message":"first","ttl":"1-day"}"""));
        await Task.WhenAll(followers.Select(f => SendOk(http, TestApi.Send(HttpMethod.Post, $"/api/users/@{author}/follow", f), HttpStatusCode.NoContent)));

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var post = TestApi.Post("/api/activities", author, """{"message":"to all forty","ttl":"1-day"}""");
        post.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
        var uuid = (await SendOk(http, post)).GetProperty("uuid").GetString();

        // Read your writes: every follower's next read shows it.
        foreach (var follower in followers)
        {
            var home = await SendOk(http, TestApi.Get("/api/activities/home", follower));
            Assert.Equal(uuid, home[0].GetProperty("uuid").GetString());
        }

        var spans = await receiver.WaitForAsync(all =>
        {
            var trace = all.Where(s => s.TraceId == traceId).ToList();
            return trace.Any(s => s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindServer)
                   && trace.Any(s => s.Name == "create-activity")
                   && trace.Count(s => s.Name == "IHomeTimelineGrain/DeliverAsync" && s.Kind == ReceivedSpan.KindServer) == 41
                   && trace.Where(s => s.ServiceName == "cruddur-silo" && s.Kind == ReceivedSpan.KindServer)
                       .Select(s => s.ServiceInstanceId).Distinct().Count() == 2
                   && trace.Count(s => s.Scope == RedisScope) >= 2;
        }, TimeSpan.FromSeconds(90));

        var traced = spans.Where(s => s.TraceId == traceId).ToList();
        var root = Assert.Single(traced, s => s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindServer);
        var byId = traced.ToDictionary(s => s.SpanId);
        foreach (var span in traced)
        {
            // Every span hangs, through its parents, under the gateway's server span.
            var current = span;
            while (current != root)
            {
                Assert.True(byId.TryGetValue(current.ParentSpanId, out var parent), $"{span} is not under the gateway's root");
                current = parent;
            }
        }

        var instances = traced.Where(s => s.ServiceName == "cruddur-silo").Select(s => s.ServiceInstanceId).Distinct().ToList();
        output.WriteLine($"{traced.Count} spans; silo instances: {string.Join(", ", instances)}; redis spans: {traced.Count(s => s.Scope == RedisScope)}");
        Assert.Equal(2, instances.Count);
        Assert.All(traced.Where(s => s.Scope == RedisScope), s => Assert.Equal("cruddur-silo", s.ServiceName));
        // The post is stored under the author's grain call: its Redis commands hang below IUserGrain/PostAsync.
        var postCall = Assert.Single(traced, s => s.Name == "IUserGrain/PostAsync" && s.Kind == ReceivedSpan.KindServer);
        Assert.Contains(traced.Where(s => s.Scope == RedisScope), s => IsUnder(s, postCall, byId));
        var create = Assert.Single(traced, s => s.Name == "create-activity");
        Assert.Equal(40L, create.Attributes["app.followers"]);
        Assert.Equal("1-day", create.Attributes["app.ttl"]);
    }

    [Fact]
    public async Task Acknowledged_posts_survive_kill_9_of_each_silo_and_a_restart_of_both_in_order()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CruddurCluster.StartWithRedisAsync(redis, silos: 2);
        using var http = cluster.CreateClient();

        var authors = Enumerable.Range(0, 5).Select(_ => TestApi.NewHandle("durable")).ToList();
        var followers = authors.ToDictionary(a => a, a => Enumerable.Range(0, 3).Select(i => $"{a}_{i}").ToList());
        foreach (var (author, theirs) in followers)
        {
            await SendOk(http, TestApi.Post("/api/activities", author, """{"message":"hello","ttl":"1-day"}"""));
            foreach (var follower in theirs)
            {
                await SendOk(http, TestApi.Send(HttpMethod.Post, $"/api/users/@{author}/follow", follower), HttpStatusCode.NoContent);
            }
        }

        var posted = authors.ToDictionary(a => a, _ => new List<string>());
        for (var i = 0; i < 100; i++)
        {
            var author = authors[i % authors.Count];
            var body = await SendOk(http, TestApi.Post("/api/activities", author, $$"""{"message":"post {{i}}","ttl":"1-day"}"""));
            posted[author].Insert(0, body.GetProperty("uuid").GetString()!);
        }

        var (first, second) = (cluster.Silos[0], cluster.Silos[1]);
        first.Kill();
        await ReadWhenBack(http, "/api/activities/home", authors[0]);   // the other silo serves on
        second.Kill();
        await cluster.RestartSiloAsync(first.Name);
        await cluster.RestartSiloAsync(second.Name);

        var clock = Stopwatch.StartNew();
        foreach (var author in authors)
        {
            var expected = posted[author];
            Assert.Equal(expected, (await ReadWhenBack(http, $"/api/activities/@{author}", author)).Take(expected.Count));
            foreach (var follower in followers[author])
            {
                Assert.Equal(expected, (await ReadWhenBack(http, "/api/activities/home", follower)).Take(expected.Count));
            }
        }

        output.WriteLine($"all 100 posts read back {clock.Elapsed.TotalSeconds:F1} s after both silos restarted");
    }

    [Fact]
    public async Task With_redis_stopped_writes_are_fast_503s_active_reads_still_answer_and_writes_resume_when_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync(persistent: true);
        await using var cluster = await CruddurCluster.StartWithRedisAsync(redis, silos: 2);
        using var http = cluster.CreateClient();
        var author = TestApi.NewHandle("outage");
        await SendOk(http, TestApi.Post("/api/activities", author, """{"message":"before","ttl":"1-day"}"""));
        await SendOk(http, TestApi.Get("/api/activities/home", author));

        await redis.StopAsync();

        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(TestApi.Post("/api/activities", author, """{"message":"during","ttl":"1-day"}"""));
            clock.Stop();
            output.WriteLine($"write during the outage: {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await RouteTests.AssertProblemJson(response, 503);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"503 took {clock.Elapsed}");
        }

        var home = await SendOk(http, TestApi.Get("/api/activities/home", author));
        Assert.Equal(["before"], home.EnumerateArray().Select(a => a.GetProperty("message").GetString()));
        var page = await SendOk(http, TestApi.Get($"/api/activities/@{author}", author));
        Assert.Equal(["before"], page.EnumerateArray().Select(a => a.GetProperty("message").GetString()));

        await redis.RestartAsync();
        var back = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.SendAsync(TestApi.Post("/api/activities", author, """{"message":"after","ttl":"1-day"}"""));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(90), "writes did not resume within 90 s of Redis coming back");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        output.WriteLine($"writes resumed {back.Elapsed.TotalSeconds:F1} s after Redis came back");
        home = await SendOk(http, TestApi.Get("/api/activities/home", author));
        Assert.Equal(["after", "before"], home.EnumerateArray().Select(a => a.GetProperty("message").GetString()));
    }

    private static bool IsUnder(ReceivedSpan span, ReceivedSpan ancestor, Dictionary<string, ReceivedSpan> byId)
    {
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<JsonElement> SendOk(HttpClient http, HttpRequestMessage request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            return expected == HttpStatusCode.NoContent
                ? await Expect204(response)
                : await TestApi.ReadJson(response, expected);
        }
    }

    private static async Task<JsonElement> Expect204(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return default;
    }

    /// <summary>Reads a list of activities, waiting (bounded) while the restarted cluster answers 503.</summary>
    private static async Task<List<string>> ReadWhenBack(HttpClient http, string path, string caller)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.SendAsync(TestApi.Get(path, caller));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await TestApi.ReadJson(response)).EnumerateArray().Select(a => a.GetProperty("uuid").GetString()!).ToList();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{path} still {(int)response.StatusCode} after 90 s");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
