using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry;

/// <summary>Honeycomb is plain OTLP over http/protobuf with the <c>x-honeycomb-team</c> header.</summary>
internal static class HoneycombExporterExtensions
{
    public const string ExporterName = "honeycomb";

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
}
