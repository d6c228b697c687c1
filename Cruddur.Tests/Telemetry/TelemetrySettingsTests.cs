using Cruddur.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Cruddur.Tests.Telemetry;

public sealed class TelemetrySettingsTests
{
    private static TelemetrySettings Read(params (string Key, string? Value)[] values) =>
        TelemetrySettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
            "cruddur-test");

    [Theory]
    [InlineData(null, "https://api.honeycomb.io/v1/traces")]
    [InlineData("https://api.eu1.honeycomb.io", "https://api.eu1.honeycomb.io/v1/traces")]
    [InlineData("https://api.eu1.honeycomb.io/", "https://api.eu1.honeycomb.io/v1/traces")]
    [InlineData("https://api.honeycomb.io/v1/traces", "https://api.honeycomb.io/v1/traces")] // the full URL copied from the docs
    public void Honeycomb_traces_endpoint_is_the_base_plus_v1_traces_once(string? configured, string expected) =>
        Assert.Equal(new Uri(expected), Read(("HONEYCOMB_ENDPOINT", configured)).HoneycombTracesEndpoint);

    [Theory]
    [InlineData(null, "https://api.honeycomb.io/v1/metrics")]
    [InlineData("https://api.eu1.honeycomb.io/", "https://api.eu1.honeycomb.io/v1/metrics")]
    [InlineData("https://api.honeycomb.io/v1/traces", "https://api.honeycomb.io/v1/metrics")] // the traces URL copied from the docs
    public void Honeycomb_metrics_endpoint_shares_the_base(string? configured, string expected) =>
        Assert.Equal(new Uri(expected), Read(("HONEYCOMB_ENDPOINT", configured)).HoneycombMetricsEndpoint);

    [Fact]
    public void Honeycomb_metrics_dataset_defaults_to_cruddur_metrics()
    {
        Assert.Equal("cruddur-metrics", Read().HoneycombMetricsDataset);
        Assert.Equal("mine", Read(("HONEYCOMB_METRICS_DATASET", "mine")).HoneycombMetricsDataset);
    }

    [Fact]
    public void Service_name_defaults_and_is_overridden_by_OTEL_SERVICE_NAME()
    {
        Assert.Equal("cruddur-test", Read().ServiceName);
        Assert.Equal("cruddur-test", Read(("OTEL_SERVICE_NAME", " ")).ServiceName);
        Assert.Equal("renamed", Read(("OTEL_SERVICE_NAME", "renamed")).ServiceName);
    }

    [Fact]
    public void Url_valued_headers_have_their_query_secrets_masked()
    {
        var headers = new SecretScrubber().ScrubHeaders(new Dictionary<string, string>
        {
            ["Referer"] = "https://app.example/cb?code=canary-1&access_token=canary-2&page=3",
            ["Accept"] = "application/json",
        });

        var referer = headers["Referer"]!.GetValue<string>();
        Assert.DoesNotContain("canary-2", referer, StringComparison.Ordinal);
        Assert.Contains("page=3", referer, StringComparison.Ordinal);
        Assert.Equal("application/json", headers["Accept"]!.GetValue<string>());
    }
}
