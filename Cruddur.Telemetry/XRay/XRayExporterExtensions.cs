using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

public static class XRayExporterExtensions
{
    /// <summary>
    /// Adds the X-Ray exporter behind a <see cref="BatchActivityExportProcessor"/> when
    /// <see cref="XRayExporterOptions.DaemonAddress"/> (<c>AWS_XRAY_DAEMON_ADDRESS</c>) is set; otherwise nothing.
    /// </summary>
    public static TracerProviderBuilder AddXRayExporter(this TracerProviderBuilder builder, Action<XRayExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new XRayExporterOptions();
        configure?.Invoke(options);
        if (options.DaemonAddress is null)
        {
            return builder;
        }

        return builder.AddProcessor(CreateProcessor(new XRayExporter(options), options));
    }

    internal static BaseProcessor<Activity> CreateProcessor(XRayExporter exporter, XRayExporterOptions options) =>
        new BatchActivityExportProcessor(exporter,
            options.BatchExportProcessorOptions.MaxQueueSize,
            options.BatchExportProcessorOptions.ScheduledDelayMilliseconds,
            options.BatchExportProcessorOptions.ExporterTimeoutMilliseconds,
            options.BatchExportProcessorOptions.MaxExportBatchSize);
}
