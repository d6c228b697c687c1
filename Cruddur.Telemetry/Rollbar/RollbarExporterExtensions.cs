using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.Rollbar;

public static class RollbarExporterExtensions
{
    /// <summary>
    /// Adds Rollbar reporting: <see cref="RollbarOptions"/> through DI (<paramref name="configure"/>, and the
    /// <c>ROLLBAR_*</c> configuration keys) and validated; the process's <see cref="IRollbarNotifier"/>; and — only when
    /// <c>ROLLBAR_ACCESS_TOKEN</c> is set and the options are valid — a <see cref="RollbarExporter"/> for log records at
    /// or above the configured level, behind a batch processor that takes in only those records. Invalid options are
    /// said once on standard error and Rollbar stays off; the host runs on.
    /// The hosts' adapters (the gateway's exception handler, the silo's grain call filter) are in Cruddur.ServiceDefaults.
    /// </summary>
    public static LoggerProviderBuilder AddRollbarExporter(this LoggerProviderBuilder builder, Action<RollbarOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSinkServices();
            var options = services.AddOptions<RollbarOptions>()
                .Configure<IServiceProvider>((o, sp) =>
                {
                    if (sp.GetService<IConfiguration>() is { } configuration)
                    {
                        o.ApplyConfiguration(configuration);
                    }

                    o.CodeVersion ??= sp.GetService<TelemetrySettings>()?.ServiceVersion;
                });
            if (configure is not null)
            {
                options.Configure(configure);
            }

            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RollbarOptions>, RollbarOptionsValidator>());
            services.TryAddSingleton(sp => new RollbarNotifier(
                sp.ValidOptions<RollbarOptions>(RollbarTransport.Sink, "Rollbar reporting") ?? new RollbarOptions(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<TelemetrySettings>(),
                metrics: sp.Metrics(RollbarTransport.Sink),
                diagnostics: sp.GetRequiredService<SinkDiagnostics>()));
            services.TryAddSingleton<IRollbarNotifier>(sp => sp.GetRequiredService<RollbarNotifier>());
        });

        return builder.AddProcessor(sp =>
        {
            var notifier = sp.GetRequiredService<RollbarNotifier>();
            return notifier.Enabled
                ? new RollbarBatchProcessor(
                    new RollbarExporter(notifier),
                    notifier.Options.MinimumLevel,
                    (int)notifier.Options.ExportInterval.TotalMilliseconds)
                : new DisabledProcessor();
        });
    }

    /// <summary>Stands in when Rollbar is off: records pass by untouched.</summary>
    private sealed class DisabledProcessor : BaseProcessor<LogRecord>;
}
