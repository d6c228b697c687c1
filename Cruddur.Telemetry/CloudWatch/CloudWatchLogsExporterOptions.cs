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

    public RetryBackoff Backoff { get; set; } = RetryBackoff.Default;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where credentials come from; default AWSSDK.Core's credential chain, resolved lazily off the request path.</summary>
    public Func<CancellationToken, ValueTask<AwsCredentials>>? Credentials { get; set; }

    /// <summary>Batch (default, like every OpenTelemetry exporter) or Simple.</summary>
    public ExportProcessorType ExportProcessorType { get; set; } = ExportProcessorType.Batch;

    public BatchExportLogRecordProcessorOptions BatchExportProcessorOptions { get; set; } = new();

    /// <summary>Test seam: the handler under the sink's private HttpClient.</summary>
    internal HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Test seam: called with the delay each time a retry is scheduled.</summary>
    internal Action<TimeSpan>? OnRetryScheduled { get; set; }

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
                _configurationProblem = $"AWS endpoint override '{url}' is not an absolute http(s) URL";
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

    private string? _configurationProblem;

    /// <summary>Configuration problems that keep the exporter from starting (empty when it can start).</summary>
    public IEnumerable<string> Problems()
    {
        if (_configurationProblem is not null)
        {
            yield return _configurationProblem;
        }

        if (LogGroupName is { } group && (group.Length > 512 || group.StartsWith("aws/", StringComparison.Ordinal)
            || group.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '#'))))
        {
            yield return $"log group '{group}' is not a valid name ([.-_/#A-Za-z0-9]{{1,512}}, not starting 'aws/')";
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            yield return "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION";
        }
        else if (Endpoint is null && !Region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            // It becomes part of the host name logs.{region}.amazonaws.com.
            yield return $"AWS region '{Region}' is not a region name (like us-east-1)";
        }

        if (MaxQueueSize < 1)
        {
            yield return "MaxQueueSize must be at least 1";
        }
    }

    /// <summary><c>{service}/{host}/{pid}-{random}</c> with the characters CloudWatch refuses (':' and '*') replaced.</summary>
    public static string DefaultStreamName(string service) =>
        Sanitize($"{service}/{Environment.MachineName}/{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    private static string Sanitize(string name)
    {
        var s = name.Replace(':', '_').Replace('*', '_');
        return s.Length <= 512 ? s : s[..512];
    }
}
