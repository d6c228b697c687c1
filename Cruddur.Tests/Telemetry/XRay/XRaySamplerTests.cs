using System.Diagnostics;
using Cruddur.Telemetry.Semantics;
using Cruddur.Telemetry.XRay;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Cruddur.Tests.Telemetry.XRay;

public class XRaySamplerTests
{
    /// <summary>The original's aws/json/xray.json, with our service name (kept inline: tests read no files outside the repo's output).</summary>
    private const string OriginalRule = """
        {
          "SamplingRule": {
            "RuleName": "Cruddur", "ResourceARN": "*", "Priority": 9000, "FixedRate": 0.1, "ReservoirSize": 5,
            "ServiceName": "cruddur-gateway", "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1
          }
        }
        """;

    private static readonly DateTimeOffset SecondStart = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Original_rule_samples_the_reservoir_then_about_ten_percent_of_1000_roots_in_one_second()
    {
        var time = new FakeTimeProvider(SecondStart);
        var random = new Random(20261128);
        var sampler = new XRaySampler(XRaySamplingRules.Parse(OriginalRule), "cruddur-gateway", time, random.NextDouble);

        var decisions = new List<bool>();
        for (var i = 0; i < 1000; i++)
        {
            decisions.Add(IsSampled(sampler.ShouldSample(Root("GET", "/api/activities/home"))));
            time.Advance(TimeSpan.FromMilliseconds(0.9)); // 1,000 requests within 0.9 s: one reservoir second
        }

        Assert.All(decisions.Take(5), Assert.True);
        var sampled = decisions.Count(d => d);
        // 5 from the reservoir + Binomial(995, 0.1): mean 99.5, sd 9.5. Bounds are ±4 sd.
        Assert.InRange(sampled, 5 + 61, 5 + 138);
    }

    [Fact]
    public void Reservoir_is_exactly_n_per_clock_second_and_refills_the_next_second()
    {
        var time = new FakeTimeProvider(SecondStart);
        var sampler = new XRaySampler(XRaySamplingRules.Parse(OriginalRule), "cruddur-gateway", time, () => 0.999);

        var first = Enumerable.Range(0, 1000).Count(_ => IsSampled(sampler.ShouldSample(Root("GET", "/"))));
        Assert.Equal(5, first);

        time.Advance(TimeSpan.FromSeconds(1));
        var second = Enumerable.Range(0, 50).Count(_ => IsSampled(sampler.ShouldSample(Root("GET", "/"))));
        Assert.Equal(5, second);

        var always = new XRaySampler(XRaySamplingRules.Parse(OriginalRule), "cruddur-gateway", time, () => 0.0);
        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(_ => IsSampled(always.ShouldSample(Root("GET", "/")))));
    }

    [Fact]
    public void Another_service_falls_to_the_default_rule_one_per_second_and_five_percent()
    {
        var time = new FakeTimeProvider(SecondStart);
        var sampler = new XRaySampler(XRaySamplingRules.Parse(OriginalRule), "cruddur-silo", time, () => 0.06);
        Assert.Equal(1, Enumerable.Range(0, 100).Count(_ => IsSampled(sampler.ShouldSample(Root("GET", "/")))));

        var cheap = new XRaySampler(XRaySamplingRules.Parse(OriginalRule), "cruddur-silo", time, () => 0.04);
        Assert.Equal(100, Enumerable.Range(0, 100).Count(_ => IsSampled(cheap.ShouldSample(Root("GET", "/")))));
    }

    [Fact]
    public void Children_never_decide_differently_from_their_parent()
    {
        var time = new FakeTimeProvider(SecondStart);
        var gateway = new XRaySampler(XRaySamplingRules.Parse(OriginalRule), "cruddur-gateway", time, new Random(7).NextDouble);
        // The silo's own rules would sample everything (rate 1) or nothing (rate 0): neither may matter.
        var siloSamplesAll = new XRaySampler([new XRaySamplingRule("all", 1, 1.0, 1000)], "cruddur-silo", time, () => 0.0);
        var siloSamplesNone = new XRaySampler([new XRaySamplingRule("none", 1, 0.0, 0)], "cruddur-silo", time, () => 0.999);

        int sampled = 0, dropped = 0;
        for (var i = 0; i < 500; i++)
        {
            var gatewayDecision = IsSampled(gateway.ShouldSample(Root("GET", "/api/activities/home")));
            _ = gatewayDecision ? sampled++ : dropped++;
            // What the silo sees: the gateway's client span as a remote parent with its sampled flag (traceparent).
            var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(),
                gatewayDecision ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
            Assert.Equal(gatewayDecision, IsSampled(siloSamplesAll.ShouldSample(Child(parent, ActivityKind.Server))));
            Assert.Equal(gatewayDecision, IsSampled(siloSamplesNone.ShouldSample(Child(parent, ActivityKind.Server))));
            // ... and spans inside the silo under that server span (local parent).
            var local = new ActivityContext(parent.TraceId, ActivitySpanId.CreateRandom(), parent.TraceFlags, isRemote: false);
            Assert.Equal(gatewayDecision, IsSampled(siloSamplesAll.ShouldSample(Child(local, ActivityKind.Internal))));
            Assert.Equal(gatewayDecision, IsSampled(siloSamplesNone.ShouldSample(Child(local, ActivityKind.Internal))));
        }

        Assert.True(sampled > 0 && dropped > 0, "both decisions were exercised");
    }

    [Fact]
    public void Deferred_remote_parent_is_decided_by_the_rules_and_the_marker_removed()
    {
        var time = new FakeTimeProvider(SecondStart);
        var none = new XRaySampler([new XRaySamplingRule("none", 1, 0.0, 0)], "cruddur-gateway", time, () => 0.5);
        var all = new XRaySampler([new XRaySamplingRule("all", 1, 1.0, 0)], "cruddur-gateway", time, () => 0.5);
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(),
            ActivityTraceFlags.Recorded, XRaySampler.DeferredTraceState, isRemote: true);

        var dropped = none.ShouldSample(Child(parent, ActivityKind.Server));
        var kept = all.ShouldSample(Child(parent, ActivityKind.Server));

        Assert.False(IsSampled(dropped));
        Assert.True(IsSampled(kept));
        Assert.Equal(string.Empty, kept.TraceStateString);
    }

    [Fact]
    public void First_matching_rule_by_priority_then_name_with_case_insensitive_wildcards()
    {
        const string rules = """
            { "SamplingRuleRecords": [
              { "SamplingRule": { "RuleName": "b-health", "Priority": 10, "FixedRate": 0.0, "ReservoirSize": 0,
                  "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "GET", "URLPath": "/api/health-check", "ResourceARN": "*", "Version": 1 } },
              { "SamplingRule": { "RuleName": "a-health", "Priority": 10, "FixedRate": 1.0, "ReservoirSize": 0,
                  "ServiceName": "CRUDDUR-*", "ServiceType": "*", "Host": "*", "HTTPMethod": "get", "URLPath": "/API/health-?heck", "ResourceARN": "*", "Version": 1 } },
              { "SamplingRule": { "RuleName": "attrs", "Priority": 1, "FixedRate": 1.0, "ReservoirSize": 0,
                  "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*", "ResourceARN": "*", "Version": 1,
                  "Attributes": { "tier": "gold" } } },
              { "SamplingRule": { "RuleName": "posts", "Priority": 20, "FixedRate": 0.0, "ReservoirSize": 0,
                  "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "POST", "URLPath": "*", "ResourceARN": "*", "Version": 1 } }
            ] }
            """;
        var parsed = XRaySamplingRules.Parse(rules);
        Assert.Equal(["a-health", "b-health", "posts", "Default"], parsed.Select(r => r.Name));

        var sampler = new XRaySampler(parsed, "cruddur-gateway", new FakeTimeProvider(SecondStart), () => 0.5);
        Assert.True(IsSampled(sampler.ShouldSample(Root("GET", "/api/health-check"))), "a-health wins the tie by name");
        Assert.False(IsSampled(sampler.ShouldSample(Root("POST", "/api/activities"))), "posts");

        var other = new XRaySampler(parsed, "other-service", new FakeTimeProvider(SecondStart), () => 0.5);
        Assert.False(IsSampled(other.ShouldSample(Root("GET", "/api/health-check"))), "b-health: service * matches");
    }

    [Fact]
    public void Sdk_local_format_version_2_and_1_are_read_in_file_order()
    {
        const string v2 = """
            { "version": 2,
              "rules": [ { "description": "health", "host": "*", "http_method": "GET", "url_path": "/api/health-check", "fixed_target": 0, "rate": 0.0 },
                         { "description": "api", "host": "*", "http_method": "*", "url_path": "/api/*", "fixed_target": 2, "rate": 1.0 } ],
              "default": { "fixed_target": 1, "rate": 0.05 } }
            """;
        var rules = XRaySamplingRules.Parse(v2);
        Assert.Equal(["health", "api", "Default"], rules.Select(r => r.Name));
        Assert.Equal(new XRaySamplingRule("api", 2, 1.0, 2, Host: "*", HttpMethod: "*", UrlPath: "/api/*"), rules[1]);
        Assert.Equal((0.05, 1), (rules[2].FixedRate, rules[2].ReservoirSize));

        var sampler = new XRaySampler(rules, "cruddur-gateway", new FakeTimeProvider(SecondStart), () => 0.5);
        Assert.False(IsSampled(sampler.ShouldSample(Root("GET", "/api/health-check"))));
        Assert.True(IsSampled(sampler.ShouldSample(Root("GET", "/api/activities/home"))));

        const string v1 = """{ "version": 1, "rules": [ { "service_name": "*.example.com", "http_method": "*", "url_path": "*", "fixed_target": 0, "rate": 0.5 } ], "default": { "fixed_target": 0, "rate": 0 } }""";
        Assert.Equal("*.example.com", XRaySamplingRules.Parse(v1)[0].Host);

        Assert.Throws<FormatException>(() => XRaySamplingRules.Parse("""{ "version": 2, "rules": [ { "host": "*", "http_method": "*", "url_path": "*", "fixed_target": 0, "rate": 1.5 } ] }"""));
        Assert.Throws<FormatException>(() => XRaySamplingRules.Parse("""{ "rules": [] }"""));
    }

    [Fact]
    public void Repository_rule_file_is_the_original_rule_for_our_gateway()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cruddur.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var path = Path.Combine(directory.FullName, "aws", "json", "xray.json");
        var rules = XRaySamplingRules.Parse(File.ReadAllText(path));

        Assert.Equal(new XRaySamplingRule("Cruddur", 9000, 0.1, 5, "cruddur-gateway"), rules[0]);
        Assert.Equal(XRaySamplingRule.Default, rules[1]);
        Assert.Equal(path, XRaySamplerExtensions.FindRulesFile(XRaySamplerExtensions.DefaultRulesPath, directory.FullName));
        Assert.Null(XRaySamplerExtensions.FindRulesFile("aws/json/missing.json", directory.FullName));
    }

    [Fact]
    public void Rules_match_the_segment_name_the_exporter_uses_tracing_name_then_dynamic_host_then_service()
    {
        var time = new FakeTimeProvider(SecondStart);
        // Three names, three distinct decisions: a wrong precedence shows as a wrong decision.
        XRaySamplingRule[] rules = [new("by-name", 1, 1.0, 0, ServiceName: "fixed-name"), new("host", 2, 0.0, 0, ServiceName: "localhost"), new("rest", 3, 1.0, 0)];

        // AWS_XRAY_TRACING_NAME wins even when the host matches AWS_XRAY_URL (as in XRayNames.SegmentName).
        var named = new XRaySampler(rules, "cruddur-gateway", time, () => 0.5, dynamicNamingPattern: "local*", tracingName: "fixed-name");
        Assert.True(IsSampled(named.ShouldSample(Root("GET", "/api/activities/home"))));
        Assert.Equal("fixed-name", XRayNames.SegmentName("fixed-name", "local*", "localhost", "cruddur-gateway"));

        // Without it, a matching host names the segment; otherwise service.name does.
        var dynamic = new XRaySampler(rules, "cruddur-gateway", time, () => 0.5, dynamicNamingPattern: "local*");
        Assert.False(IsSampled(dynamic.ShouldSample(Root("GET", "/api/activities/home"))));
        var plain = new XRaySampler(rules, "cruddur-gateway", time, () => 0.5);
        Assert.True(IsSampled(plain.ShouldSample(Root("GET", "/api/activities/home"))));
    }

    [Fact]
    public void Host_header_with_a_port_is_sampled_under_the_name_its_segment_is_sent_with()
    {
        // AWS_XRAY_URL=example.com names segments after the host; the old convention's http.host carries the port.
        var time = new FakeTimeProvider(SecondStart);
        XRaySamplingRule[] rules = [new("by-host", 1, 0.0, 0, ServiceName: "example.com"), new("rest", 2, 1.0, 0)];
        var sampler = new XRaySampler(rules, "cruddur-gateway", time, () => 0.5, dynamicNamingPattern: "example.com");
        KeyValuePair<string, object?>[] tags = [new("http.method", "GET"), new("http.host", "example.com:8080"), new("http.target", "/api/activities/home?x=1")];

        var segment = XRayTestSpans.Write(XRayTestSpans.Span("GET /api/activities/home", ActivityKind.Server, root: true, a =>
        {
            foreach (var (key, value) in tags)
            {
                a.SetTag(key, value);
            }
        }), XRayTestSpans.Options(o => o.DynamicNamingPattern = "example.com"));
        using var document = System.Text.Json.JsonDocument.Parse(segment[(segment.IndexOf('\n') + 1)..]);
        Assert.Equal("example.com", document.RootElement.GetProperty("name").GetString());
        Assert.Equal("http://example.com/api/activities/home?x=1", document.RootElement.GetProperty("http").GetProperty("request").GetProperty("url").GetString());

        // The rule for that name decides (FixedRate 0), not the one for the service name.
        var decision = sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET", ActivityKind.Server, tags));
        Assert.False(IsSampled(decision));
    }

    [Fact]
    public void Method_and_path_missing_from_the_span_are_read_from_the_request_being_started()
    {
        // ASP.NET Core creates the request span with server.address and server.port only.
        var time = new FakeTimeProvider(SecondStart);
        XRaySamplingRule[] rules = [new("posts", 1, 1.0, 0, HttpMethod: "POST", UrlPath: "/api/activities"), new("rest", 2, 0.0, 0)];
        HttpRequestAttributes? current = null;
        var sampler = new XRaySampler(rules, null, "cruddur-gateway", time, () => 0.5, currentRequest: () => current);
        KeyValuePair<string, object?>[] tags = [new("server.address", "localhost"), new("server.port", 4567)];
        SamplingParameters Request() => new(default, ActivityTraceId.CreateRandom(), "HTTP", ActivityKind.Server, tags);

        current = HttpRequestAttributes.FromRequest("POST", "http", "localhost", 4567, "/api/activities", null);
        Assert.True(IsSampled(sampler.ShouldSample(Request())));

        current = HttpRequestAttributes.FromRequest("GET", "http", "localhost", 4567, "/api/activities", null);
        Assert.False(IsSampled(sampler.ShouldSample(Request())));

        // Without either, a rule's method and path patterns match anything (as for any attribute a request lacks).
        current = null;
        Assert.True(IsSampled(sampler.ShouldSample(Request())));
    }

    private static bool IsSampled(SamplingResult result) => result.Decision == SamplingDecision.RecordAndSample;

    private static SamplingParameters Root(string method, string path) => new(
        default, ActivityTraceId.CreateRandom(), "HTTP " + method, ActivityKind.Server,
        [new("http.request.method", method), new("url.path", path), new("server.address", "localhost"), new("url.scheme", "http")]);

    private static SamplingParameters Child(ActivityContext parent, ActivityKind kind) =>
        new(parent, parent.TraceId, "child", kind);
}
