using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// Options of <see cref="XRayExporter"/>. Defaults come from the environment (the variables listed in the README's
/// configuration table); <see cref="Bind"/> reads the same keys from any <see cref="IConfiguration"/>.
/// </summary>
public sealed class XRayExporterOptions
{
    /// <summary>Largest datagram (header + document) the exporter sends: the daemon reads 64 KiB; we stay under 64,000 B.</summary>
    public const int DefaultMaxDatagramBytes = 64_000;

    public XRayExporterOptions()
    {
        DaemonAddress = TelemetrySettings.NonEmpty(Environment.GetEnvironmentVariable("AWS_XRAY_DAEMON_ADDRESS"));
        TracingName = TelemetrySettings.NonEmpty(Environment.GetEnvironmentVariable("AWS_XRAY_TRACING_NAME"));
        DynamicNamingPattern = TelemetrySettings.NonEmpty(Environment.GetEnvironmentVariable("AWS_XRAY_URL"));
        IndexedAttributes = SplitList(Environment.GetEnvironmentVariable("XRAY_INDEXED_ATTRIBUTES"));
    }

    /// <summary><c>AWS_XRAY_DAEMON_ADDRESS</c>; the exporter is only added when this is set and parses.</summary>
    public string? DaemonAddress { get; set; }

    /// <summary><c>AWS_XRAY_TRACING_NAME</c>: fixed name for this service's segments.</summary>
    public string? TracingName { get; set; }

    /// <summary>
    /// <c>AWS_XRAY_URL</c>: wildcard pattern; a segment whose request host matches it is named after the host
    /// (the original's <c>dynamic_naming</c>).
    /// </summary>
    public string? DynamicNamingPattern { get; set; }

    /// <summary>
    /// <c>XRAY_INDEXED_ATTRIBUTES</c> (comma-separated): span attributes written as indexed annotations;
    /// every other attribute is metadata.
    /// </summary>
    public IList<string> IndexedAttributes { get; set; }

    /// <summary>Used when the resource has no <c>service.name</c>.</summary>
    public string? ServiceName { get; set; }

    public int MaxDatagramBytes { get; set; } = DefaultMaxDatagramBytes;

    /// <summary>
    /// Drop (and count as <c>invalid_trace_id</c>) spans whose trace id X-Ray would refuse: its first 8 hex digits are
    /// the epoch second of the trace, which must not be older than 30 days or more than 5 minutes ahead. Ids this
    /// service creates always pass; a random id from a foreign <c>traceparent</c> usually does not.
    /// </summary>
    public bool DropTraceIdsXRayRefuses { get; set; } = true;

    /// <summary>The clock for that check.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Batch settings; the defaults honour OTEL_BSP_* like the SDK's own exporters.</summary>
    public BatchExportProcessorOptions<Activity> BatchExportProcessorOptions { get; set; } = new BatchExportActivityProcessorOptions();

    /// <summary>Reads the contract's keys from <paramref name="configuration"/> (env vars, appsettings), keeping current values for missing keys.</summary>
    public XRayExporterOptions Bind(IConfiguration configuration)
    {
        DaemonAddress = TelemetrySettings.NonEmpty(configuration["AWS_XRAY_DAEMON_ADDRESS"]) ?? DaemonAddress;
        TracingName = TelemetrySettings.NonEmpty(configuration["AWS_XRAY_TRACING_NAME"]) ?? TracingName;
        DynamicNamingPattern = TelemetrySettings.NonEmpty(configuration["AWS_XRAY_URL"]) ?? DynamicNamingPattern;
        if (TelemetrySettings.NonEmpty(configuration["XRAY_INDEXED_ATTRIBUTES"]) is { } keys)
        {
            IndexedAttributes = SplitList(keys);
        }

        ServiceName = TelemetrySettings.NonEmpty(configuration["OTEL_SERVICE_NAME"]) ?? ServiceName;
        return this;
    }

    private static List<string> SplitList(string? value) =>
        value is null ? [] : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
