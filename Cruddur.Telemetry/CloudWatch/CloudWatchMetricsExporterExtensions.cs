using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>Registers <see cref="CloudWatchMetricsExporter"/> under a periodic reader of its own.</summary>
public static class CloudWatchMetricsExporterExtensions
{
    public const string Sink = CloudWatchMetricsExporterOptions.SinkName;

    /// <summary>
    /// Adds the EMF exporter when a log group is configured (<c>CLOUDWATCH_LOG_GROUP</c>) and
    /// <c>CLOUDWATCH_METRICS_INTERVAL</c> is not 0. Options come through DI like the log sink's (<paramref name="configure"/>
    /// first, then configuration fills what is unset) and are validated; a problem is said once on standard error and
    /// the exporter stays off (no reader, so nothing is aggregated for it); the host runs on.
    /// </summary>
    public static MeterProviderBuilder AddCloudWatchMetricsExporter(this MeterProviderBuilder builder, Action<CloudWatchMetricsExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSinkServices();
            var options = services.AddOptions<CloudWatchMetricsExporterOptions>();
            if (configure is not null)
            {
                options.Configure(configure);
            }

            options.Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<IConfiguration>() is { } configuration)
                {
                    o.ReadConfiguration(configuration);
                }
            });
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudWatchMetricsExporterOptions>, CloudWatchMetricsExporterOptionsValidator>());
        });

        if (builder is IDeferredMeterProviderBuilder deferred)
        {
            deferred.Configure((sp, metrics) =>
            {
                if (sp.ValidOptions<CloudWatchMetricsExporterOptions>(Sink, "CloudWatch metrics (EMF) export") is { IsEnabled: true } options)
                {
                    metrics.AddReader(CreateReader(options, sp.Metrics(Sink), sp.GetRequiredService<SinkDiagnostics>()));
                }
            });
        }

        return builder;
    }

    internal static MetricReader CreateReader(CloudWatchMetricsExporterOptions options, SinkMetrics metrics, SinkDiagnostics diagnostics)
    {
        var stream = options.Stream ?? new CloudWatchLogsMetricsStream(options.Logs, options.ShutdownTimeout, metrics, diagnostics);
        var exporter = new CloudWatchMetricsExporter(options, stream, diagnostics);
        return new PeriodicExportingMetricReader(exporter, (int)Math.Clamp(options.Interval.TotalMilliseconds, 100, int.MaxValue),
            exportTimeoutMilliseconds: (int)options.Logs.RequestTimeout.TotalMilliseconds)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
    }
}
