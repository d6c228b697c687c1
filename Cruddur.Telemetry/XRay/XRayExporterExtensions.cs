using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

public static class XRayExporterExtensions
{
    /// <summary>
    /// Adds the X-Ray exporter behind a <see cref="BatchActivityExportProcessor"/> when
    /// <see cref="XRayExporterOptions.DaemonAddress"/> (<c>AWS_XRAY_DAEMON_ADDRESS</c>) is set; otherwise nothing is
    /// exported. Options come through DI (the environment, then configuration, then <paramref name="configure"/>) and
    /// are validated; a problem is said once on standard error and the exporter stays off; the host runs on.
    /// </summary>
    public static TracerProviderBuilder AddXRayExporter(this TracerProviderBuilder builder, Action<XRayExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSinkServices();
            var options = services.AddOptions<XRayExporterOptions>()
                .Configure<IServiceProvider>((o, sp) =>
                {
                    if (sp.GetService<IConfiguration>() is { } configuration)
                    {
                        o.Bind(configuration);
                    }
                });
            if (configure is not null)
            {
                options.Configure(configure);
            }

            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<XRayExporterOptions>, XRayExporterOptionsValidator>());
        });

        return builder.AddProcessor(sp =>
            sp.ValidOptions<XRayExporterOptions>(XRayExporter.SinkName, "X-Ray export") is { DaemonAddress: not null } options
                ? CreateProcessor(new XRayExporter(options, sp.Metrics(XRayExporter.SinkName), diagnostics: sp.GetRequiredService<SinkDiagnostics>()), options)
                : new NoopProcessor());
    }

    internal static BaseProcessor<Activity> CreateProcessor(XRayExporter exporter, XRayExporterOptions options) =>
        new BatchActivityExportProcessor(exporter,
            options.BatchExportProcessorOptions.MaxQueueSize,
            options.BatchExportProcessorOptions.ScheduledDelayMilliseconds,
            options.BatchExportProcessorOptions.ExporterTimeoutMilliseconds,
            options.BatchExportProcessorOptions.MaxExportBatchSize);

    /// <summary>Stands in when the sink is off: spans pass by untouched.</summary>
    private sealed class NoopProcessor : BaseProcessor<Activity>;
}
