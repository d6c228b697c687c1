using Microsoft.Extensions.Configuration;

namespace Cruddur.Telemetry;

/// <summary>
/// The telemetry part of the configuration contract (the README's configuration table). Keys are the environment variable names,
/// so each is equally bindable from appsettings.json.
/// </summary>
internal sealed class TelemetrySettings
{
    public const string DefaultHoneycombEndpoint = "https://api.honeycomb.io";
    public const string DefaultHoneycombMetricsDataset = "cruddur-metrics";

    public required string ServiceName { get; init; }
    public string? ServiceVersion { get; init; }
    public string? OtlpEndpoint { get; init; }
    public string? HoneycombApiKey { get; init; }
    public string HoneycombEndpoint { get; init; } = DefaultHoneycombEndpoint;

    /// <summary>Honeycomb files metrics under the dataset named by <c>x-honeycomb-dataset</c> (required for metrics).</summary>
    public string HoneycombMetricsDataset { get; init; } = DefaultHoneycombMetricsDataset;
    public bool ConsoleExporter { get; init; }

    public static TelemetrySettings From(IConfiguration configuration, string defaultServiceName) => new()
    {
        ServiceName = NonEmpty(configuration["OTEL_SERVICE_NAME"]) ?? defaultServiceName,
        ServiceVersion = NonEmpty(configuration["SERVICE_VERSION"]) ?? EntryVersion(),
        OtlpEndpoint = NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]),
        HoneycombApiKey = NonEmpty(configuration["HONEYCOMB_API_KEY"]),
        HoneycombEndpoint = NonEmpty(configuration["HONEYCOMB_ENDPOINT"]) ?? DefaultHoneycombEndpoint,
        HoneycombMetricsDataset = NonEmpty(configuration["HONEYCOMB_METRICS_DATASET"]) ?? DefaultHoneycombMetricsDataset,
        ConsoleExporter = IsTrue(configuration["CRUDDUR_CONSOLE_EXPORTER"]),
    };

    /// <summary>The Honeycomb traces URL. An endpoint set in code is used verbatim by the OTLP exporter.</summary>
    public Uri HoneycombTracesEndpoint => HoneycombSignalEndpoint("/v1/traces");

    /// <summary>The Honeycomb metrics URL: the same base, <c>/v1/metrics</c>.</summary>
    public Uri HoneycombMetricsEndpoint => HoneycombSignalEndpoint("/v1/metrics");

    private Uri HoneycombSignalEndpoint(string path)
    {
        var endpoint = HoneycombEndpoint.TrimEnd('/');
        foreach (var known in (string[])["/v1/traces", "/v1/metrics"])
        {
            if (endpoint.EndsWith(known, StringComparison.OrdinalIgnoreCase))
            {
                endpoint = endpoint[..^known.Length]; // a full signal URL given: keep its base
                break;
            }
        }

        return new(endpoint + path);
    }

    internal static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static string EntryVersion() =>
        System.Reflection.Assembly.GetEntryAssembly()?.GetName().Version?.ToString(3) ?? "0.0.0";
}
