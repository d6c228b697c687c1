using Cruddur.Telemetry;
using System.Text.Json.Nodes;
using Cruddur.Telemetry.Rollbar;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Rollbar;

public sealed class RollbarScrubbingTests
{
    /// <summary>Every key the issue lists.</summary>
    public static readonly string[] ListedKeys =
    [
        "authorization", "cookie", "set-cookie", "x-api-key", "x-rollbar-access-token", "x-honeycomb-team",
        "password", "secret", "token", "access_token", "api_key", "client_secret", "private_key",
    ];

    public static TheoryData<string> KeysInEveryCase()
    {
        var data = new TheoryData<string>();
        foreach (var key in ListedKeys)
        {
            data.Add(key);
            data.Add(key.ToUpperInvariant());
            data.Add(MixedCase(key));
        }

        return data;
    }

    private static string MixedCase(string key) =>
        string.Concat(key.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));

    private static string Canary(string key) => $"canary-{Guid.NewGuid():N}";

    private static JsonObject BuildWithRequest(RollbarRequest request, Action<RollbarOptions>? configure = null) =>
        new RollbarPayloadBuilder(Options(configure: configure), "svc", "1").Build(new RollbarOccurrence
        {
            Level = RollbarLevel.Error,
            Timestamp = DateTimeOffset.UnixEpoch,
            Message = "m",
            Request = request,
        });

    [Theory]
    [MemberData(nameof(KeysInEveryCase))]
    public void Listed_key_is_scrubbed_in_headers_query_and_json_body_regardless_of_case(string key)
    {
        var headerValue = Canary(key);
        var queryValue = Canary(key);
        var bodyValue = Canary(key);
        var nestedValue = Canary(key);
        var query = $"?page=2&{Uri.EscapeDataString(key)}={queryValue}";
        var request = new RollbarRequest
        {
            Url = $"http://localhost:4567/api/activities/home{query}",
            Method = "POST",
            Headers = new Dictionary<string, string> { [key] = headerValue, ["Accept"] = "application/json" },
            QueryString = query,
            Body = new JsonObject
            {
                ["handle"] = "worf",
                [key] = bodyValue,
                ["nested"] = new JsonArray(new JsonObject { ["deeper"] = new JsonObject { [key] = nestedValue } }),
            }.ToJsonString(),
        };

        var payload = BuildWithRequest(request);
        var text = payload.ToJsonString();

        foreach (var secret in new[] { headerValue, queryValue, bodyValue, nestedValue })
        {
            Assert.DoesNotContain(secret, text);
        }

        var r = payload["data"]!["request"]!;
        Assert.Equal(SecretScrubber.Mask, r["headers"]![key]!.GetValue<string>());
        Assert.Equal("application/json", r["headers"]!["Accept"]!.GetValue<string>());
        Assert.Equal(SecretScrubber.Mask, r["GET"]![key]!.GetValue<string>());
        Assert.Equal("2", r["GET"]!["page"]!.GetValue<string>());
        Assert.Contains($"{Uri.EscapeDataString(key)}=***", r["query_string"]!.GetValue<string>());
        Assert.Contains($"{Uri.EscapeDataString(key)}=***", r["url"]!.GetValue<string>());
        var body = JsonNode.Parse(r["body"]!.GetValue<string>())!;
        Assert.Equal(SecretScrubber.Mask, body[key]!.GetValue<string>());
        Assert.Equal(SecretScrubber.Mask, body["nested"]![0]!["deeper"]![key]!.GetValue<string>());
        Assert.Equal("worf", body["handle"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(KeysInEveryCase))]
    public void Listed_key_is_scrubbed_in_custom_data_and_form_bodies(string key)
    {
        var value = Canary(key);
        var scrubber = new SecretScrubber();
        var node = new JsonObject { ["custom"] = new JsonObject { [key] = value, ["ok"] = "kept" } };
        scrubber.Scrub(node);
        Assert.Equal(SecretScrubber.Mask, node["custom"]![key]!.GetValue<string>());
        Assert.Equal("kept", node["custom"]!["ok"]!.GetValue<string>());

        var form = scrubber.ScrubBody($"a=1&{key}={value}");
        Assert.Equal($"a=1&{key}=***", form);
    }

    [Fact]
    public void Authorization_bearer_and_cookie_headers_leave_no_trace()
    {
        var request = new RollbarRequest
        {
            Url = "http://localhost:4567/rollbar/test",
            Method = "GET",
            Headers = new Dictionary<string, string>
            {
                ["Authorization"] = "Bearer canary-bearer-123",
                ["Cookie"] = "session=canary-cookie-456; theme=dark",
            },
        };
        var text = BuildWithRequest(request).ToJsonString();
        Assert.DoesNotContain("canary-bearer-123", text);
        Assert.DoesNotContain("canary-cookie-456", text);
    }

    [Fact]
    public void Configured_extra_fields_are_scrubbed_too()
    {
        var request = new RollbarRequest
        {
            Url = "http://localhost/x?ssn=canary-ssn",
            Method = "GET",
            Headers = new Dictionary<string, string> { ["X-Customer-Ssn"] = "canary-header" },
            QueryString = "?ssn=canary-ssn",
        };
        var text = BuildWithRequest(request, o => { o.ScrubFields.Add("ssn"); o.ScrubFields.Add("x-customer-ssn"); }).ToJsonString();
        Assert.DoesNotContain("canary-ssn", text);
        Assert.DoesNotContain("canary-header", text);
    }

    [Fact]
    public void Unlisted_keys_and_non_secret_values_are_kept()
    {
        var scrubber = new SecretScrubber();
        Assert.False(scrubber.IsSensitive("handle"));
        Assert.False(scrubber.IsSensitive("trace_id"));
        Assert.False(scrubber.IsSensitive("user-agent"));
        Assert.True(scrubber.IsSensitive("refresh_token"));
        Assert.True(scrubber.IsSensitive("accessToken"));
        Assert.True(scrubber.IsSensitive("X-API-KEY"));
        Assert.Equal("?a=1&b=2", scrubber.ScrubQueryString("?a=1&b=2"));
    }
}
