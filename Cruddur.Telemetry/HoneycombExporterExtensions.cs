using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry;

/// <summary>
/// Honeycomb is plain OTLP over http/protobuf with the <c>x-honeycomb-team</c> header; metrics also need
/// <c>x-honeycomb-dataset</c> (https://docs.honeycomb.io/send-data/metrics/application).
/// </summary>
internal static class HoneycombExporterExtensions
{
    public const string ExporterName = "honeycomb";

    /// <summary>Its own options name: named OTLP options are shared by every signal that uses the name, so one name
    /// would send traces and metrics to the same URL.</summary>
    public const string MetricsExporterName = "honeycomb-metrics";

    public static TracerProviderBuilder AddHoneycombExporter(this TracerProviderBuilder builder, TelemetrySettings settings)
    {
        if (settings.HoneycombApiKey is not { } apiKey)
        {
            return builder;
        }

        return builder.AddOtlpExporter(ExporterName, options =>
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = settings.HoneycombTracesEndpoint;
            options.Headers = $"x-honeycomb-team={apiKey}";
        });
    }

    public static MeterProviderBuilder AddHoneycombExporter(this MeterProviderBuilder builder, TelemetrySettings settings)
    {
        if (settings.HoneycombApiKey is not { } apiKey)
        {
            return builder;
        }

        return builder.AddOtlpExporter(MetricsExporterName, options =>
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = settings.HoneycombMetricsEndpoint;
            options.Headers = $"x-honeycomb-team={apiKey},x-honeycomb-dataset={settings.HoneycombMetricsDataset}";
        });
    }
}
