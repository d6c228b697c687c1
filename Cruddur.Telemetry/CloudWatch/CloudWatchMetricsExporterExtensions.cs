using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>Registers <see cref="CloudWatchMetricsExporter"/> under its own periodic reader.</summary>
public static class CloudWatchMetricsExporterExtensions
{
    /// <summary>
    /// Adds the EMF exporter when a log group is configured (<c>CLOUDWATCH_LOG_GROUP</c>) and
    /// <c>CLOUDWATCH_METRICS_INTERVAL</c> is not 0. A configuration problem is reported once on standard error and the
    /// exporter stays off; the host runs on.
    /// </summary>
    public static MeterProviderBuilder AddCloudWatchMetricsExporter(this MeterProviderBuilder builder, Action<CloudWatchMetricsExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        void Add(IConfiguration configuration, MeterProviderBuilder metrics)
        {
            var options = new CloudWatchMetricsExporterOptions();
            configure?.Invoke(options);
            options.ReadConfiguration(configuration);
            if (CreateReader(options) is { } reader)
            {
                metrics.AddReader(reader);
            }
        }

        // Under a host (AddOpenTelemetry().WithMetrics): the application's configuration, once it exists.
        if (builder is IDeferredMeterProviderBuilder deferred)
        {
            deferred.Configure((sp, metrics) => Add(sp.GetRequiredService<IConfiguration>(), metrics));
            return builder;
        }

        Add(new ConfigurationBuilder().AddEnvironmentVariables().Build(), builder);
        return builder;
    }

    internal static MetricReader? CreateReader(CloudWatchMetricsExporterOptions options)
    {
        if (!options.IsEnabled)
        {
            return null;
        }

        if (options.Problems().ToList() is { Count: > 0 } problems)
        {
            SinkDiagnostics.ReportOnce(CloudWatchMetricsExporterOptions.SinkName, "config",
                $"CloudWatch metrics (EMF) export is OFF: {string.Join("; ", problems)}.");
            return null;
        }

        var exporter = new CloudWatchMetricsExporter(options, new CloudWatchLogsMetricsStream(options.Logs));
        var interval = (int)Math.Clamp(options.Interval.TotalMilliseconds, 100, int.MaxValue);
        return new PeriodicExportingMetricReader(exporter, interval, exportTimeoutMilliseconds: (int)options.Logs.RequestTimeout.TotalMilliseconds)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
    }
}
