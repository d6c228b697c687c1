using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// Options of <see cref="CloudWatchMetricsExporter"/>: on whenever CloudWatch Logs is (<c>CLOUDWATCH_LOG_GROUP</c>),
/// into the same group, region, endpoint and credentials (<see cref="Logs"/>), in a stream of its own.
/// <c>CLOUDWATCH_METRICS_NAMESPACE</c> (default <c>Cruddur</c>), <c>CLOUDWATCH_METRICS_INTERVAL</c> (seconds, default
/// 60; <c>0</c> turns metrics off while logs stay on).
/// </summary>
public sealed class CloudWatchMetricsExporterOptions
{
    public const string NamespaceVariable = "CLOUDWATCH_METRICS_NAMESPACE";
    public const string IntervalVariable = "CLOUDWATCH_METRICS_INTERVAL";
    public const string DefaultNamespace = "Cruddur";
    public const string SinkName = "cloudwatch_metrics";

    /// <summary>Where the EMF events go: group, region, endpoint, credentials, retries — the log sink's options.</summary>
    public CloudWatchLogsExporterOptions Logs { get; set; } = new();

    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>How often the periodic reader collects and the exporter sends; CloudWatch's standard resolution is 60 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The <c>Host</c> dimension of per-process metrics (a silo, a gateway).</summary>
    public string Host { get; set; } = Environment.MachineName;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// How long shutdown may spend delivering the last collection. Shorter than the logs' (<see cref="Logs"/>'
    /// ShutdownTimeout, 5 s), whose deadline runs after this one on SIGTERM: an unreachable CloudWatch then costs the
    /// stop 5 + 2 s, not 10; what is lost is one interval of one process's metrics.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsEnabled => Logs.IsEnabled && Interval > TimeSpan.Zero;

    private string? _configurationProblem;

    /// <summary>Test seam: what delivers the EMF events (default: <see cref="CloudWatchLogsMetricsStream"/>).</summary>
    internal IMetricsLogStream? Stream { get; set; }

    public CloudWatchMetricsExporterOptions ReadConfiguration(IConfiguration configuration)
    {
        Logs.ReadConfiguration(configuration);
        Logs.LogStreamName ??= DefaultStreamName(Logs.ServiceName);
        if (TelemetrySettings.NonEmpty(configuration[NamespaceVariable]) is { } ns)
        {
            Namespace = ns;
        }

        if (TelemetrySettings.NonEmpty(configuration[IntervalVariable]) is { } interval)
        {
            if (double.TryParse(interval, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86_400)
            {
                Interval = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                _configurationProblem = $"{IntervalVariable} '{interval}' is not a number of seconds between 0 and 86400";
            }
        }

        return this;
    }

    /// <summary>Empty when the exporter can start (or is off); the logs' own problems included.</summary>
    public IEnumerable<string> Problems()
    {
        if (!IsEnabled)
        {
            yield break;
        }

        if (_configurationProblem is not null)
        {
            yield return _configurationProblem;
        }

        if (Namespace.Length > 255 || Namespace.StartsWith("AWS/", StringComparison.Ordinal) || Namespace.Any(char.IsControl))
        {
            yield return $"metrics namespace '{Namespace}' is not usable (at most 255 characters, not starting 'AWS/')";
        }

        if (Interval > TimeSpan.Zero && Interval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"{IntervalVariable} must be at least 0.1 s";
        }

        foreach (var problem in CloudWatchLogsExporterOptionsValidator.Problems(Logs))
        {
            yield return problem;
        }
    }

    /// <summary><c>{service}/{host}/{pid}-metrics</c>, with the characters CloudWatch refuses (':' and '*') replaced.</summary>
    public static string DefaultStreamName(string service) =>
        $"{service}/{Environment.MachineName}/{Environment.ProcessId}-metrics".Replace(':', '_').Replace('*', '_');
}
