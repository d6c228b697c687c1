using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Fakes;
using static Cruddur.Tests.Fakes.FakeXRaySamplingProxy;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>
/// The sampler with the rules X-Ray serves through the daemon's TCP proxy: the proxy is a fake the tests own, the
/// clock a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> (see <see cref="RemoteSamplingHarness"/>).
/// </summary>
public sealed class XRayRemoteSamplingTests
{
    private static readonly DateTimeOffset Start = RemoteSamplingHarness.Start;
    private static readonly TimeSpan TargetsInterval = XRaySamplingPoller.TargetsInterval;

    [Fact]
    public async Task Rule_from_the_proxy_stops_sampling_at_the_next_rules_fetch_and_an_announced_change_applies_within_one_targets_interval()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(Rule("Cruddur", 9000, 1.0, 0, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);
        Assert.True(h.Source.IsRemote);
        Assert.True(h.Sample());

        // The operator edits the rule in X-Ray: FixedRate 0, ReservoirSize 0 for the gateway.
        proxy.ServeRules(Rule("Cruddur", 9000, 0.0, 0, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        await h.RunUntilAsync(Start + TimeSpan.FromSeconds(299));
        Assert.True(h.Sample()); // not fetched yet: the old rule decides
        await h.RunUntilAsync(Start + XRaySamplingPoller.RulesInterval);
        Assert.Equal(2, proxy.Calls.Count(c => c.Path == "/GetSamplingRules"));
        Assert.DoesNotContain(true, Enumerable.Range(0, 200).Select(_ => h.Sample()));

        // Changed again, and announced by the next targets answer: fetched then, not 300 s later.
        var lastFetch = h.Source.RulesFetchedAt;
        proxy.ServeRules(Rule("Cruddur", 9000, 1.0, 0, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        proxy.LastRuleModification = h.Time.GetUtcNow().ToUnixTimeSeconds() + 1;
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(h.Sample()); // a matched request, so the rule is reported
        await h.RunForAsync(TargetsInterval);
        Assert.Equal(3, proxy.Calls.Count(c => c.Path == "/GetSamplingRules"));
        Assert.InRange(h.Source.RulesFetchedAt - lastFetch, TimeSpan.FromSeconds(1), TargetsInterval);
        Assert.True(h.Sample());
        Assert.All(proxy.Calls, c => Assert.False(c.SentExpect));
    }

    [Fact]
    public async Task Quota_of_2_samples_2_per_second_plus_the_fixed_rate_of_the_rest_and_the_reports_add_up()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(Rule("Cruddur", 9000, 0.1, 5, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        proxy.Targets = name => name == "Cruddur"
            ? new JsonObject
            {
                ["FixedRate"] = 0.1, ["ReservoirQuota"] = 2, ["Interval"] = 10,
                ["ReservoirQuotaTTL"] = (Start + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
            }
            : null;
        // 0.05, 0.15, …, 0.95, again: exactly one in ten draws is under FixedRate 0.1.
        var draws = 0;
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port, random: () => (draws++ % 10 / 10.0) + 0.05);

        var decisions = new List<bool> { h.Sample() }; // before any quota: borrowed
        await h.RunUntilAsync(Start + TargetsInterval); // reported; quota 2 assigned

        // 10 simulated seconds at 100 requests per second.
        var perSecond = new int[10];
        for (var i = 0; i < 1000; i++)
        {
            var sampled = h.Sample();
            decisions.Add(sampled);
            perSecond[i / 100] += sampled ? 1 : 0;
            if (i % 100 < 2)
            {
                Assert.True(sampled, $"request {i}: the quota's two per second come first");
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        await h.RunUntilAsync(Start + (2 * TargetsInterval));

        // 2 per second from the quota, and FixedRate of the other 98: 9.8 per second, 98 in all.
        Assert.Equal((10 * 2) + 98, perSecond.Sum());
        Assert.All(perSecond, n => Assert.InRange(n, 2 + 9, 2 + 10));

        var reports = RemoteSamplingHarness.Reported(proxy).Where(r => r.Rule == "Cruddur").ToList();
        Assert.Equal(2, reports.Count);
        Assert.Equal((1, 1, 1), (reports[0].Requests, reports[0].Sampled, reports[0].Borrowed));
        Assert.Equal((1000, 118, 0), (reports[1].Requests, reports[1].Sampled, reports[1].Borrowed));
        Assert.Equal(decisions.Count, reports.Sum(r => r.Requests));
        Assert.Equal(decisions.Count(d => d), reports.Sum(r => r.Sampled)); // borrowed ones are in SampledCount too
        Assert.Equal([(Start + TargetsInterval).ToUnixTimeSeconds(), (Start + (2 * TargetsInterval)).ToUnixTimeSeconds()],
            reports.Select(r => r.Timestamp));
        Assert.Single(reports.Select(r => r.ClientId).Distinct());
        Assert.Matches("^[0-9a-f]{24}$", reports[0].ClientId);
    }

    [Fact]
    public async Task Before_the_first_quota_a_rule_with_a_reservoir_borrows_one_per_second_and_one_without_does_not()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(
            Rule("NoReservoir", 1, 0.0, 0, urlPath: "/api/none"),
            Rule("Cruddur", 9000, 0.0, 5, "cruddur-gateway"),
            Rule("Default", 10000, 0.0, 0));
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);

        var perSecond = new int[3];
        for (var i = 0; i < 150; i++)
        {
            perSecond[i / 50] += h.Sample() ? 1 : 0;
            Assert.False(h.Sample("/api/none"));
            h.Time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal([1, 1, 1], perSecond);
        await h.RunUntilAsync(Start + TargetsInterval);
        var reports = RemoteSamplingHarness.Reported(proxy);
        Assert.Contains(("Cruddur", 150L, 3L, 3L), reports.Select(r => (r.Rule, r.Requests, r.Sampled, r.Borrowed)));
        Assert.Contains(("NoReservoir", 150L, 0L, 0L), reports.Select(r => (r.Rule, r.Requests, r.Sampled, r.Borrowed)));
    }

    [Fact]
    public async Task Quota_applies_while_its_ttl_holds_then_the_rule_borrows_again()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(Rule("Cruddur", 9000, 0.0, 5, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        var ttl = Start + TargetsInterval + TimeSpan.FromSeconds(5);
        proxy.Targets = _ => new JsonObject { ["FixedRate"] = 0.0, ["ReservoirQuota"] = 10, ["ReservoirQuotaTTL"] = ttl.ToUnixTimeSeconds() };
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);
        h.Sample();
        await h.RunUntilAsync(Start + TargetsInterval);

        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => h.Sample())); // second 10: the quota
        h.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => h.Sample())); // second 14: still within the TTL
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Enumerable.Range(0, 50).Count(_ => h.Sample())); // second 15: TTL over, borrowing 1/s
    }

    [Fact]
    public async Task Rules_older_than_one_hour_give_way_to_the_local_rules_said_once_and_return_when_fetched_again()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(Rule("Cruddur", 9000, 1.0, 0, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);
        proxy.FailRules = true; // the daemon answers, but X-Ray refuses it

        await h.RunUntilAsync(Start + XRayRemoteRuleSource.MaxRuleAge - TimeSpan.FromSeconds(10));
        Assert.True(h.Source.IsRemote);
        Assert.True(h.Sample());
        Assert.Single(h.DiagnosticLines, l => l.Contains("GetSamplingRules", StringComparison.Ordinal));

        await h.RunUntilAsync(Start + XRayRemoteRuleSource.MaxRuleAge + TargetsInterval);
        Assert.False(h.Source.IsRemote);
        Assert.False(h.Sample()); // the local rules (never) decide
        Assert.Single(h.DiagnosticLines, l => l.Contains("over an hour ago", StringComparison.Ordinal));
        Assert.Equal(1, h.Source.SwitchesToLocal);

        proxy.FailRules = false;
        await h.RunForAsync(TargetsInterval);
        Assert.True(h.Source.IsRemote);
        Assert.True(h.Sample());
        Assert.Equal(1, h.Source.SwitchesToRemote);
    }

    [Fact]
    public async Task Closed_proxy_port_switches_to_the_local_rules_with_one_line_and_back_when_it_returns_counted_on_the_meter()
    {
        var switches = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Cruddur.Telemetry" && instrument.Name == "cruddur.telemetry.xray.sampling_switches")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (switches)
            {
                switches.Add(tags.ToArray().Single(t => t.Key == "to").Value as string ?? "");
            }
        });
        listener.Start();

        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(Rule("Cruddur", 9000, 1.0, 0, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);
        Assert.True(h.Sample());

        await proxy.StopAsync();
        await h.RunForAsync(TargetsInterval); // the targets call is refused
        Assert.False(h.Source.IsRemote);
        Assert.DoesNotContain(true, Enumerable.Range(0, 100).Select(_ => h.Sample()));
        await h.RunForAsync(TimeSpan.FromMinutes(2)); // rules retried every 10 s, refused every time
        var toLocal = Assert.Single(h.DiagnosticLines, l => l.Contains(" apply: ", StringComparison.Ordinal));
        Assert.Contains("cannot be reached", toLocal);
        Assert.StartsWith("[cruddur-telemetry] xray: X-Ray sampling: the local test rules apply", toLocal);

        await proxy.StartAgainAsync();
        await h.RunForAsync(TargetsInterval);
        Assert.True(h.Source.IsRemote);
        Assert.True(h.Sample());
        Assert.Single(h.DiagnosticLines, l => l.Contains("apply again", StringComparison.Ordinal));
        Assert.Equal(3, h.DiagnosticLines.Count); // rules arrived, local, remote again
        Assert.Equal((1, 1), (h.Source.SwitchesToLocal, h.Source.SwitchesToRemote));
        lock (switches)
        {
            Assert.Equal(["local", "remote"], switches);
        }
    }

    [Fact]
    public async Task Decisions_never_wait_on_a_proxy_that_accepts_and_does_not_answer()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var local = new XRaySamplingRule[] { new("Default", 10000, 1.0, 0) };
        await using var h = await RemoteSamplingHarness.StartAsync(((IPEndPoint)silent.LocalEndpoint).Port, local, waitForFirstRound: false);
        using var connection = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // The rules call is open and unanswered; the sampler decides anyway, by the local rules.
        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(_ => h.Sample()));
        Assert.False(h.Source.IsRemote);
    }

    [Fact]
    public async Task Rules_are_read_across_pages_and_only_version_1_any_resource_rules_without_attributes_apply_in_priority_then_name_order()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.PageSize = 2;
        var withAttributes = Rule("WithAttributes", 1, 1.0, 0);
        withAttributes["Attributes"] = new JsonObject { ["tenant"] = "a" };
        proxy.ServeRules(
            Rule("Default", 10000, 0.0, 0), Rule("Later", 5, 1.0, 0), Rule("Bbb", 1, 1.0, 0), Rule("Version2", 1, 1.0, 0, version: 2),
            Rule("OneArn", 1, 1.0, 0, resourceArn: "arn:aws:ecs:us-east-1:000000000000:service/x"), withAttributes, Rule("Aaa", 1, 1.0, 0));
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);

        Assert.Equal(["Aaa", "Bbb", "Later", "Default"], h.Source.Rules.Select(r => r.Name));
        var calls = proxy.Calls.Where(c => c.Path == "/GetSamplingRules").ToList();
        Assert.Equal(4, calls.Count);
        Assert.Null(calls[0].Body["NextToken"]);
        Assert.Equal(["2", "4", "6"], calls.Skip(1).Select(c => c.Body["NextToken"]!.GetValue<string>()));
        Assert.All(calls, c => Assert.False(c.SentExpect));
    }

    [Fact]
    public async Task A_target_interval_spaces_that_rules_reports()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules(Rule("Cruddur", 9000, 1.0, 0, "cruddur-gateway"), Rule("Default", 10000, 0.0, 0));
        proxy.Targets = _ => new JsonObject { ["FixedRate"] = 1.0, ["Interval"] = 30 };
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);

        for (var second = 0; second < 60; second += 10)
        {
            h.Sample();
            await h.RunUntilAsync(Start + TimeSpan.FromSeconds(second + 10));
        }

        // Reported at 10 s (no interval yet), then every 30 s: 40 s and 70 s; each report carries every request since.
        await h.RunUntilAsync(Start + TimeSpan.FromSeconds(70));
        var reports = RemoteSamplingHarness.Reported(proxy);
        Assert.Equal([10L, 40L, 70L], reports.Select(r => r.Timestamp - Start.ToUnixTimeSeconds()));
        Assert.Equal([1L, 3L, 2L], reports.Select(r => r.Requests));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("127.0.0.1:2000", null, true)]
    [InlineData("127.0.0.1:2000", "local", false)]
    [InlineData("127.0.0.1:2000", "REMOTE", true)]
    [InlineData(null, "remote", true)]
    [InlineData("tcp:127.0.0.1:2999 udp:127.0.0.1:2000", null, true)]
    public void Xray_sampling_is_remote_by_default_when_a_daemon_address_is_set(string? address, string? mode, bool remote)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AWS_XRAY_DAEMON_ADDRESS"] = address, ["XRAY_SAMPLING"] = mode })
            .Build();
        var daemon = XRaySamplerExtensions.RemoteDaemon(configuration);
        Assert.Equal(remote, daemon is not null);
        if (address is not null && address.StartsWith("tcp:", StringComparison.Ordinal))
        {
            Assert.Equal(("127.0.0.1", 2999), (daemon!.TcpHost, daemon.TcpPort)); // the proxy is the tcp: part
        }
    }

    [Fact]
    public async Task Statistics_go_25_documents_per_call_and_only_for_rules_matched_since_the_last_report()
    {
        await using var proxy = await FakeXRaySamplingProxy.StartAsync();
        proxy.ServeRules([.. Enumerable.Range(0, 30).Select(i => Rule($"r{i:00}", i + 1, 0.0, 0, urlPath: $"/r{i:00}")), Rule("Default", 10000, 0.0, 0)]);
        await using var h = await RemoteSamplingHarness.StartAsync(proxy.Port);
        for (var i = 0; i < 30; i++)
        {
            h.Sample($"/r{i:00}");
        }

        await h.RunForAsync(TargetsInterval);
        var first = proxy.Calls.Where(c => c.Path == "/SamplingTargets").ToList();
        Assert.Equal([25, 5], first.Select(c => c.Statistics.Count));
        Assert.Equal(30, first.SelectMany(c => c.Statistics).Select(d => d["RuleName"]!.GetValue<string>()).Distinct().Count());

        h.Sample("/r03");
        await h.RunForAsync(TargetsInterval);
        var second = Assert.Single(proxy.Calls.Where(c => c.Path == "/SamplingTargets").Skip(2));
        Assert.Equal("r03", Assert.Single(second.Statistics)["RuleName"]!.GetValue<string>());

        await h.RunForAsync(TargetsInterval); // nothing matched: no call
        Assert.Equal(3, proxy.Calls.Count(c => c.Path == "/SamplingTargets"));
        Assert.All(RemoteSamplingHarness.Reported(proxy), r => Assert.Matches(new Regex("^[0-9a-f]{24}$"), r.ClientId));
    }
}
