using Cruddur.Telemetry.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Options of the Rollbar notifier, bound from <c>ROLLBAR_ACCESS_TOKEN</c>, <c>ROLLBAR_ENVIRONMENT</c>,
/// <c>ROLLBAR_ENDPOINT</c>, <c>ROLLBAR_MINIMUM_LEVEL</c> and <c>ROLLBAR_SCRUB_FIELDS</c> (comma separated).
/// The notifier is active only when an access token is set.
/// </summary>
public sealed class RollbarOptions
{
    public const string DefaultEndpoint = "https://api.rollbar.com/api/1/item/";
    public const string DefaultEnvironment = "production";

    /// <summary>A <c>post_server_item</c> token. Sent only in the <c>X-Rollbar-Access-Token</c> header.</summary>
    public string? AccessToken { get; set; }

    public string Environment { get; set; } = DefaultEnvironment;

    public Uri Endpoint { get; set; } = new(DefaultEndpoint);

    /// <summary>Log records at or above this level are reported (with their exception, when they carry one).</summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Error;

    /// <summary>Keys scrubbed in addition to <see cref="SecretScrubber.DefaultFields"/> (case-insensitive).</summary>
    public IList<string> ScrubFields { get; } = new List<string>();

    /// <summary>Items waiting to be sent; when full the oldest is dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 500;

    /// <summary>Rollbar's documented item size limit; bigger payloads are trimmed before sending.</summary>
    public int MaxPayloadBytes { get; set; } = 128 * 1024;

    /// <summary>Sends of one item, first included, before it is dropped (5xx, connection errors, 429).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Test seam: the back-off between attempts (default: 200 ms base, 20 s cap, full jitter).</summary>
    internal RetryBackoff Backoff { get; set; } = RetryBackoff.Default;

    /// <summary>The pause after a 429 that carries no <c>X-Rate-Limit-Reset</c>, and the cap on any such pause.</summary>
    public TimeSpan DefaultRateLimitPause { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan MaxRateLimitPause { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for queued items before dropping them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the log exporter's batch processor hands records over.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>code_version</c>; defaults to the service version.</summary>
    public string? CodeVersion { get; set; }

    public string Framework { get; set; } = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    public string ServerHost { get; set; } = System.Environment.MachineName;

    public string ServerRoot { get; set; } = AppContext.BaseDirectory.TrimEnd('/', '\\');

    /// <summary>A configuration value that could not be used (set by <see cref="ApplyConfiguration"/>; see the validator).</summary>
    internal string? ConfigurationProblem { get; private set; }

    /// <summary>On when an access token is set (and the options are valid: <see cref="RollbarOptionsValidator"/>).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(AccessToken);

    /// <summary>Reads the environment-variable keys (equally bindable from appsettings).</summary>
    public RollbarOptions ApplyConfiguration(IConfiguration configuration)
    {
        AccessToken = TelemetrySettings.NonEmpty(configuration["ROLLBAR_ACCESS_TOKEN"]) ?? AccessToken;
        Environment = TelemetrySettings.NonEmpty(configuration["ROLLBAR_ENVIRONMENT"]) ?? Environment;

        if (TelemetrySettings.NonEmpty(configuration["ROLLBAR_ENDPOINT"]) is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                Endpoint = uri;
            }
            else
            {
                ConfigurationProblem = "ROLLBAR_ENDPOINT is not an absolute http(s) URL";
            }
        }

        if (TelemetrySettings.NonEmpty(configuration["ROLLBAR_MINIMUM_LEVEL"]) is { } level)
        {
            if (Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed))
            {
                MinimumLevel = parsed;
            }
            else
            {
                ConfigurationProblem = $"ROLLBAR_MINIMUM_LEVEL '{level}' is not a log level (Trace..Critical)";
            }
        }

        if (TelemetrySettings.NonEmpty(configuration["ROLLBAR_SCRUB_FIELDS"]) is { } extra)
        {
            foreach (var field in extra.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                ScrubFields.Add(field);
            }
        }

        return this;
    }
}
