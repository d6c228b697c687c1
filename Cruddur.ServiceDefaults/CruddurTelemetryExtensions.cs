using System.Diagnostics;
using Cruddur.Telemetry.CloudWatch;
using Cruddur.Telemetry.Rollbar;
using Cruddur.Telemetry.Semantics;
using Cruddur.Telemetry.XRay;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry;

/// <summary>
/// One call per host: resource, tracing, metrics and logging, with every exporter switched on only when its
/// configuration is present. Nothing here fails start-up when a variable is unset.
/// </summary>
public static class CruddurTelemetryExtensions
{
    public static TBuilder AddCruddurTelemetry<TBuilder>(this TBuilder builder, string defaultServiceName)
        where TBuilder : IHostApplicationBuilder
    {
        var settings = TelemetrySettings.From(builder.Configuration, defaultServiceName);
        builder.Services.AddSingleton(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);

        // The ASP.NET Core side of Rollbar: unhandled exceptions of hosts that call UseExceptionHandler().
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, RollbarExceptionHandler>());

        // One scrubber for every log record, whoever wrote it: the OpenTelemetry pipeline's first processor, and the
        // console provider's wrapper (the console is not part of that pipeline). The console provider itself writes on
        // the caller's thread into buffered standard output (BufferedConsoleLoggerProvider).
        var scrubbing = new ScrubbingLogProcessor();
        ScrubbingConsoleLoggerProvider.Replace(builder.Services, scrubbing);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // ASP.NET Core's own "Request starting … ?token=…" / "Request finished" lines are off whatever the
        // configuration files say (the access line says it once, scrubbed); resilience-pipeline chatter too.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        // Every OpenTelemetry LogRecord carries its trace and span id already; the host's default
        // ActivityTrackingOptions would add the same ids again as a scope object on every log call.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);

        // X-Ray: root trace ids it accepts (always, so a silo exporting X-Ray can use the gateway's ids), and
        // X-Amzn-Trace-Id read/written next to traceparent (runtime propagator: hosting, HttpClient).
        XRayTraceIdGenerator.Install();
        builder.Services.AddSingleton<DistributedContextPropagator>(XRayDistributedContextPropagator.Install());

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: settings.ServiceName,
                serviceVersion: settings.ServiceVersion,
                serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(TelemetryNames.CruddurSources)
                    .AddSource(TelemetryNames.OrleansApplication)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddHoneycombExporter(settings)
                    .AddXRayExporter()
                    .AddXRaySampler(builder.Configuration, settings.ServiceName, builder.Environment.ContentRootPath,
                        whenSampling: AddCurrentHttpRequest);
                if (settings.ConsoleExporter)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(TelemetryNames.SinkMeter)
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddMeter(TelemetryNames.OrleansMeter)
                .AddMeter(TelemetryNames.RuntimeMeter)
                .AddHttpClientInstrumentation()
                .AddHoneycombExporter(settings)
                // CloudWatch Metrics as EMF events in the log group, when CLOUDWATCH_LOG_GROUP is set (CloudWatch/Emf).
                .AddCloudWatchMetricsExporter(o => o.Logs.ServiceName = settings.ServiceName));

        // Log sinks. Rollbar registers IRollbarNotifier and its exception handler always and sends only when
        // ROLLBAR_ACCESS_TOKEN is set; CloudWatch Logs is on when CLOUDWATCH_LOG_GROUP is set.
        otel.WithLogging(logging => logging
            .AddProcessor(scrubbing) // first: before any exporter's batch processor
            .AddRollbarExporter()
            .AddCloudWatchLogsExporter(o => o.ServiceName = settings.ServiceName));

        if (settings.OtlpEndpoint is not null)
        {
            // Standard OTEL_EXPORTER_OTLP_* variables: the Aspire dashboard, a collector, or Honeycomb itself.
            otel.WithTracing(t => t.AddOtlpExporter())
                .WithMetrics(m => m.AddOtlpExporter())
                .WithLogging(l => l.AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>
    /// The method and path of the request being started, which ASP.NET Core does not put on its span before the
    /// sampler runs; registered only when an X-Ray sampler is set (the accessor costs every request an AsyncLocal).
    /// </summary>
    private static void AddCurrentHttpRequest(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.TryAddSingleton<CurrentHttpRequest>(sp =>
        {
            var accessor = sp.GetRequiredService<IHttpContextAccessor>();
            return () => accessor.HttpContext?.Request is { } r
                ? HttpRequestAttributes.FromRequest(r.Method, r.Scheme, r.Host.HasValue ? r.Host.Host : null, r.Host.Port,
                    r.Path.HasValue ? r.Path.Value! : "/", r.QueryString.HasValue ? r.QueryString.Value![1..] : null)
                : null;
        });
    }
}
