using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>Registers <see cref="CloudWatchLogsExporter"/>, wrapped in a batch processor like OpenTelemetry's own exporters.</summary>
public static class CloudWatchLogsExporterExtensions
{
    /// <summary>
    /// Adds the exporter when a log group is configured (<c>CLOUDWATCH_LOG_GROUP</c> or <paramref name="configure"/>).
    /// A configuration problem is reported once on standard error and the exporter stays off; the host runs on.
    /// </summary>
    public static LoggerProviderBuilder AddCloudWatchLogsExporter(this LoggerProviderBuilder builder, Action<CloudWatchLogsExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProcessor(sp =>
        {
            var options = new CloudWatchLogsExporterOptions();
            configure?.Invoke(options);
            options.ReadConfiguration(sp.GetRequiredService<IConfiguration>());
            return CreateProcessor(options);
        });
    }

    /// <summary>Same, for <c>ILoggingBuilder.AddOpenTelemetry(o =&gt; o.AddCloudWatchLogsExporter(...))</c>; reads the environment.</summary>
    public static OpenTelemetryLoggerOptions AddCloudWatchLogsExporter(this OpenTelemetryLoggerOptions loggerOptions, Action<CloudWatchLogsExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(loggerOptions);
        var options = new CloudWatchLogsExporterOptions();
        configure?.Invoke(options);
        options.ReadConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        return loggerOptions.AddProcessor(CreateProcessor(options));
    }

    internal static BaseProcessor<LogRecord> CreateProcessor(CloudWatchLogsExporterOptions options)
    {
        if (!options.IsEnabled)
        {
            return new NoopProcessor();
        }

        if (options.Problems().ToList() is { Count: > 0 } problems)
        {
            SinkDiagnostics.ReportOnce(CloudWatchLogsSender.SinkName, "config",
                $"CloudWatch Logs export is OFF: {string.Join("; ", problems)}.");
            return new NoopProcessor();
        }

        var exporter = new CloudWatchLogsExporter(options);
        return options.ExportProcessorType == ExportProcessorType.Simple
            ? new SimpleLogRecordExportProcessor(exporter)
            : new BatchLogRecordExportProcessor(
                exporter,
                options.BatchExportProcessorOptions.MaxQueueSize,
                options.BatchExportProcessorOptions.ScheduledDelayMilliseconds,
                options.BatchExportProcessorOptions.ExporterTimeoutMilliseconds,
                options.BatchExportProcessorOptions.MaxExportBatchSize);
    }

    private sealed class NoopProcessor : BaseProcessor<LogRecord>;
}
