using System.Security.Cryptography;
using Cruddur.Telemetry.Delivery;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// Options of <see cref="CloudWatchLogsExporter"/>. <see cref="ReadConfiguration"/> maps the environment contract:
/// <c>CLOUDWATCH_LOG_GROUP</c>, <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>,
/// <c>AWS_ENDPOINT_URL_CLOUDWATCH_LOGS</c> then <c>AWS_ENDPOINT_URL</c>.
/// </summary>
public sealed class CloudWatchLogsExporterOptions
{
    public const string LogGroupVariable = "CLOUDWATCH_LOG_GROUP";

    /// <summary>The log group; the exporter is off while this is empty.</summary>
    public string? LogGroupName { get; set; }

    /// <summary>Defaults to <c>{service}/{host}/{pid}-{random}</c>: one stream per process.</summary>
    public string? LogStreamName { get; set; }

    public string? Region { get; set; }

    /// <summary>Endpoint override (emulators, tests); default <c>https://logs.{region}.amazonaws.com</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The <c>service</c> field of every event and the first part of the stream name.</summary>
    public string ServiceName { get; set; } = "cruddur";

    /// <summary>Events held between the exporter and the sender; beyond it the oldest are dropped and counted.</summary>
    public int MaxQueueSize { get; set; } = 10_000;

    /// <summary>How long shutdown (and a ForceFlush without its own time-out) may spend delivering what is queued.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per HTTP request; a server that never answers costs at most this, then the call is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per batch on throttling, 5xx and connection errors before the batch is dropped and counted.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Test seam: the back-off between attempts (default: 200 ms base, 20 s cap, full jitter).</summary>
    internal RetryBackoff Backoff { get; set; } = RetryBackoff.Default;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where credentials come from; default AWSSDK.Core's credential chain, resolved lazily off the request path.</summary>
    internal Func<CancellationToken, ValueTask<AwsCredentials>>? Credentials { get; set; }

    /// <summary>Batch (default, like every OpenTelemetry exporter) or Simple.</summary>
    public ExportProcessorType ExportProcessorType { get; set; } = ExportProcessorType.Batch;

    public BatchExportLogRecordProcessorOptions BatchExportProcessorOptions { get; set; } = new();

    /// <summary>Test seam: the handler under the sink's private HttpClient.</summary>
    internal HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>A configuration value that could not be used (set by <see cref="ReadConfiguration"/>; see the validator).</summary>
    internal string? ConfigurationProblem { get; private set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(LogGroupName);

    /// <summary>Fills whatever is still unset from configuration (environment variables or appsettings).</summary>
    public CloudWatchLogsExporterOptions ReadConfiguration(IConfiguration configuration)
    {
        LogGroupName ??= TelemetrySettings.NonEmpty(configuration[LogGroupVariable]);
        Region ??= TelemetrySettings.NonEmpty(configuration["AWS_REGION"]) ?? TelemetrySettings.NonEmpty(configuration["AWS_DEFAULT_REGION"]);
        if (Endpoint is null
            && (TelemetrySettings.NonEmpty(configuration["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"]) ?? TelemetrySettings.NonEmpty(configuration["AWS_ENDPOINT_URL"])) is { } url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                Endpoint = uri;
            }
            else
            {
                ConfigurationProblem = $"AWS endpoint override '{url}' is not an absolute http(s) URL";
            }
        }

        // Keys bound from appsettings (or the environment) win over the SDK chain's own environment lookup.
        if (Credentials is null
            && TelemetrySettings.NonEmpty(configuration["AWS_ACCESS_KEY_ID"]) is { } keyId
            && TelemetrySettings.NonEmpty(configuration["AWS_SECRET_ACCESS_KEY"]) is { } secret)
        {
            var fixedCredentials = new AwsCredentials(keyId, secret, TelemetrySettings.NonEmpty(configuration["AWS_SESSION_TOKEN"]));
            Credentials = _ => ValueTask.FromResult(fixedCredentials);
        }

        return this;
    }

    /// <summary>The endpoint requests go to.</summary>
    public Uri ResolveEndpoint() =>
        Endpoint ?? new Uri($"https://logs.{Region}.amazonaws.{(Region?.StartsWith("cn-", StringComparison.Ordinal) == true ? "com.cn" : "com")}/");

    /// <summary><c>{service}/{host}/{pid}-{random}</c> with the characters CloudWatch refuses (':' and '*') replaced.</summary>
    public static string DefaultStreamName(string service) =>
        Sanitize($"{service}/{Environment.MachineName}/{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    private static string Sanitize(string name)
    {
        var s = name.Replace(':', '_').Replace('*', '_');
        return s.Length <= 512 ? s : s[..512];
    }
}
