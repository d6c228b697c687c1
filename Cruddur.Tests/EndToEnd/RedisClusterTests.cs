using System.Diagnostics;
using System.Net;
using Cruddur.Grains;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Gateway;
using Cruddur.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The compose topology run as processes on 127.0.0.1: redis-server, two silos with Redis clustering and storage,
/// and the gateway finding them through Redis.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private const string UserGrainType = "user";

    [Fact]
    public async Task Two_silos_form_one_cluster_spread_grains_and_one_trace_crosses_gateway_and_silo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var cluster = await CruddurCluster.StartWithRedisAsync(redis, silos: 2, CruddurCluster.OtlpTo(receiver.Endpoint));
        await using var admin = await TestClusterClient.ConnectAsync(redis, cluster.ClusterId);
        using var http = cluster.CreateClient();

        // No Orleans__AdvertisedIPAddress was given: each silo chose loopback itself, said why, and they found each other.
        Assert.All(cluster.Silos, s => Assert.Contains(
            "Advertising 127.0.0.1 to the cluster (Redis is on this machine, so the cluster is)", s.Output, StringComparison.Ordinal));
        var hosts = await admin.Management.GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        Assert.Equal(
            cluster.SiloPorts.Values.Order(),
            hosts.Keys.Select(s => s.Endpoint.Port).Order());

        for (var i = 0; i < 40; i++)
        {
            // A person who has posted (reads of unknown handles leave no activation behind).
            using var post = TestApi.Post("/api/activities", $"spread_{i}", """{"message":"here","ttl":"1-day"}""");
            using var response = await http.SendAsync(post);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var activations = (await admin.Management.GetDetailedGrainStatistics())
            .Where(s => s.GrainId.ToString().StartsWith(UserGrainType + "/spread_", StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress.Endpoint.Port)
            .ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("user activity grains per silo port: " + string.Join(", ", activations.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(2, activations.Count);
        Assert.Equal(40, activations.Values.Sum());

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var traced = new HttpRequestMessage(HttpMethod.Get, "/api/activities/home");
        traced.Headers.Add("traceparent", TestTrace.TraceParent(traceId));
        (await http.SendAsync(traced)).EnsureSuccessStatusCode();
        var spans = await receiver.WaitForAsync(
            all => TestTrace.HasGrainRequest(all, traceId, "home-activities-mock-data"),
            TimeSpan.FromSeconds(60));
        var grainServer = Assert.Single(spans, s => s.TraceId == traceId && s.ServiceName == "cruddur-silo" && s.Kind == ReceivedSpan.KindServer);
        var grainClient = Assert.Single(spans, s => s.TraceId == traceId && s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindClient);
        Assert.Equal(grainClient.SpanId, grainServer.ParentSpanId);
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_a_grain_gives_503s_then_200s_and_its_redis_state_survives()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CruddurCluster.StartWithRedisAsync(redis, silos: 2);
        await using var admin = await TestClusterClient.ConnectAsync(redis, cluster.ClusterId);
        using var http = cluster.CreateClient();
        http.Timeout = TimeSpan.FromSeconds(20);

        var handle = "victim_" + Guid.NewGuid().ToString("N")[..8];
        var posted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var post = TestApi.Post("/api/activities", handle, $$"""{"message":"before the kill {{i}}","ttl":"1-day"}""");
            using var answer = await http.SendAsync(post);
            answer.EnsureSuccessStatusCode();
            posted.Insert(0, (await TestApi.ReadJson(answer)).GetProperty("uuid").GetString()!);
        }

        var hostPort = (await admin.Management.GetDetailedGrainStatistics())
            .Single(s => s.GrainId.ToString() == $"{UserGrainType}/{handle}").SiloAddress.Endpoint.Port;
        var victim = cluster.Silos.Single(s => cluster.SiloPorts[s.Name] == hostPort);

        victim.Kill();
        var killedAt = Stopwatch.StartNew();
        var statuses = new List<(TimeSpan At, HttpStatusCode Status, TimeSpan Took)>();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            var took = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/api/activities/@{handle}");
            statuses.Add((killedAt.Elapsed, response.StatusCode, took.Elapsed));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await RouteTests.AssertProblemJson(response, 503);
            Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(90), "no recovery within 90 s");
            await tick.WaitForNextTickAsync();
        }

        output.WriteLine($"recovered after {killedAt.Elapsed.TotalSeconds:F1} s; answers: " +
                         string.Join(", ", statuses.Select(s => $"{(int)s.Status}@{s.At.TotalSeconds:F1}s({s.Took.TotalMilliseconds:F0}ms)")));
        // Every answer came within the gateway's response timeout (10 s) plus slack: never a hang.
        Assert.All(statuses, s => Assert.True(s.Took < TimeSpan.FromSeconds(12), $"an answer took {s.Took}"));

        // The posts came back from Redis on the surviving silo.
        using (var page = await http.GetAsync($"/api/activities/@{handle}"))
        {
            Assert.Equal(posted, (await TestApi.ReadJson(page)).EnumerateArray().Select(a => a.GetProperty("uuid").GetString()));
        }

        var newHost = (await admin.Management.GetDetailedGrainStatistics())
            .Single(s => s.GrainId.ToString() == $"{UserGrainType}/{handle}").SiloAddress.Endpoint.Port;
        Assert.NotEqual(hostPort, newHost);
    }

    [Fact]
    public async Task Graceful_stop_of_one_silo_during_steady_requests_fails_no_request()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CruddurCluster.StartWithRedisAsync(redis, silos: 2);
        using var http = cluster.CreateClient();

        var failures = new List<string>();
        var completed = 0;
        using var done = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();
        async Task Load(int worker)
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var path = (i++ % 3) switch
                {
                    0 => "/api/activities/home",
                    1 => $"/api/activities/@load_{worker}_{i % 17}",
                    _ => "/api/activities/notifications",
                };
                using var response = await http.GetAsync(path);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    lock (failures) failures.Add($"{path}: {(int)response.StatusCode}");
                }

                Interlocked.Increment(ref completed);
                done.Release();
            }
        }

        async Task Completions(int count)
        {
            for (var n = 0; n < count; n++)
            {
                Assert.True(await done.WaitAsync(TimeSpan.FromSeconds(30)), "requests stalled");
            }
        }

        var load = Enumerable.Range(0, 4).Select(Load).ToArray();
        await Completions(200);
        var exit = await cluster.Silos[0].TerminateAsync(TimeSpan.FromSeconds(60));
        await Completions(200);

        stop.Cancel();
        await Task.WhenAll(load);
        output.WriteLine($"silo exit code {exit}; {completed} requests; failures: {failures.Count}");
        Assert.Equal(0, exit);
        Assert.Empty(failures);
    }
}
