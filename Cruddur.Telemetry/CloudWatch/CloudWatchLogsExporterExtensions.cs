using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>Registers <see cref="CloudWatchLogsExporter"/>, wrapped in a batch processor like OpenTelemetry's own exporters.</summary>
public static class CloudWatchLogsExporterExtensions
{
    /// <summary>
    /// Adds the exporter when a log group is configured (<c>CLOUDWATCH_LOG_GROUP</c> or <paramref name="configure"/>).
    /// Options come through DI (<paramref name="configure"/> first, then configuration fills what is unset) and are
    /// validated; a problem is said once on standard error and the exporter stays off; the host runs on.
    /// </summary>
    public static LoggerProviderBuilder AddCloudWatchLogsExporter(this LoggerProviderBuilder builder, Action<CloudWatchLogsExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSinkServices();
            var options = services.AddOptions<CloudWatchLogsExporterOptions>();
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
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudWatchLogsExporterOptions>, CloudWatchLogsExporterOptionsValidator>());
        });

        return builder.AddProcessor(sp =>
            sp.ValidOptions<CloudWatchLogsExporterOptions>(CloudWatchLogsTransport.Sink, "CloudWatch Logs export") is { IsEnabled: true } options
                ? CreateProcessor(new CloudWatchLogsExporter(options, sp.Metrics(CloudWatchLogsTransport.Sink), sp.GetRequiredService<SinkDiagnostics>()), options)
                : new NoopProcessor());
    }

    internal static BaseProcessor<LogRecord> CreateProcessor(CloudWatchLogsExporter exporter, CloudWatchLogsExporterOptions options) =>
        options.ExportProcessorType == ExportProcessorType.Simple
            ? new SimpleLogRecordExportProcessor(exporter)
            : new BatchLogRecordExportProcessor(
                exporter,
                options.BatchExportProcessorOptions.MaxQueueSize,
                options.BatchExportProcessorOptions.ScheduledDelayMilliseconds,
                options.BatchExportProcessorOptions.ExporterTimeoutMilliseconds,
                options.BatchExportProcessorOptions.MaxExportBatchSize);

    /// <summary>Stands in when the sink is off: records pass by untouched.</summary>
    private sealed class NoopProcessor : BaseProcessor<LogRecord>;
}
