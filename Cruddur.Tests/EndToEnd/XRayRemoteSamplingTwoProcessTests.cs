using Cruddur.Telemetry;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;
using Xunit.Abstractions;
using static Cruddur.Tests.Fakes.FakeXRaySamplingProxy;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The real gateway and silo processes take their sampling rules from a daemon TCP proxy the test owns: the spans
/// that reach the X-Ray UDP port are exactly those of the traces the proxy's rules sampled, the silo's segments
/// follow the gateway's decision, and the gateway reports what its rules matched.
/// </summary>
public sealed class XRayRemoteSamplingTwoProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Datagrams_are_exactly_the_traces_the_proxys_rules_sampled_and_the_silo_follows_the_gateway()
    {
        await using var daemon = new FakeXRayDaemon();
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        // One user's page always sampled at the gateway; everything else — including every silo segment decided
        // on its own — never.
        proxy.ServeRules(
            Rule("OneUser", 100, 1.0, 0, "cruddur-gateway", "/api/activities/@andrewbrown"),
            Rule("Default", 10000, 0.0, 0));
        var udpPort = int.Parse(daemon.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string?>
        {
            ["AWS_XRAY_DAEMON_ADDRESS"] = proxy.DaemonAddress(udpPort),
            ["XRAY_SAMPLING"] = "remote",
        };
        await using var cluster = await CruddurCluster.StartAsync(env, env);
        var silo = Assert.Single(cluster.Silos);
        foreach (var process in new[] { cluster.Gateway, silo })
        {
            await process.WaitForOutputAsync("sampling rules from the daemon at", Wait);
        }

        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = cluster.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        // Not sampled first: their datagrams, if any were sent, would arrive before the sampled ones'.
        var dropped = new List<string>();
        var sampled = new List<string>();
        foreach (var (path, into) in Enumerable.Repeat(("/api/activities/home", dropped), 5)
                     .Concat(Enumerable.Repeat(("/api/activities/@andrewbrown", sampled), 5)))
        {
            using (OpenTelemetry.SuppressInstrumentationScope.Begin())
            {
                using var response = await http.GetAsync(path);
                Assert.Equal(200, (int)response.StatusCode);
                var header = Assert.Single(response.Headers.GetValues(TraceHeaders.AmazonTraceId));
                into.Add(header["Root=".Length..].Split(';')[0]);
            }
        }

        // Every sampled trace: the gateway's segment and the silo's.
        var datagrams = await daemon.WaitForAsync(
            all => sampled.All(id => all.Any(d => d.Get("trace_id") == id && d.Get("name") == "cruddur-silo" && d.Get("type") is null) &&
                                     all.Any(d => d.Get("trace_id") == id && d.Get("name") == "cruddur-gateway" && d.Get("parent_id") is null)),
            Wait);
        foreach (var d in datagrams)
        {
            output.WriteLine(d.Body);
        }

        var traces = datagrams.Select(d => d.Get("trace_id")).Distinct().ToHashSet();
        Assert.Equal(sampled.Order(), traces.Order()!);
        Assert.DoesNotContain(dropped, traces.Contains);

        // The gateway reports its rules' counts: the five requests to the sampled page, all five sampled.
        var calls = await proxy.WaitForCallsAsync(
            all => all.SelectMany(c => c.Statistics).Where(s => s["RuleName"]!.GetValue<string>() == "OneUser")
                .Sum(s => s["RequestCount"]!.GetValue<long>()) >= 5,
            Wait);
        var oneUser = calls.SelectMany(c => c.Statistics).Where(s => s["RuleName"]!.GetValue<string>() == "OneUser").ToList();
        Assert.Equal(5, oneUser.Sum(s => s["RequestCount"]!.GetValue<long>()));
        Assert.Equal(5, oneUser.Sum(s => s["SampledCount"]!.GetValue<long>()));
        Assert.All(calls, c => Assert.False(c.SentExpect));
    }
}
