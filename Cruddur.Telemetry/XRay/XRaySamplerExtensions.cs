using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

public static class XRaySamplerExtensions
{
    public const string DefaultRulesPath = "aws/json/xray.json";

    /// <summary>
    /// Sets the <see cref="XRaySampler"/> when a rule file is found: <c>XRAY_SAMPLING_RULES</c>, else
    /// <c>aws/json/xray.json</c>, each tried as given, then under the content root, the current directory and the
    /// app's base directory. No file: the SDK's default sampler stays (parent-based, always on). A file that does
    /// not parse is reported once on stderr and ignored.
    /// </summary>
    public static TracerProviderBuilder AddXRaySampler(this TracerProviderBuilder builder, IConfiguration configuration,
        string serviceName, string? contentRoot = null)
    {
        var configured = TelemetrySettings.NonEmpty(configuration["XRAY_SAMPLING_RULES"]);
        var path = FindRulesFile(configured ?? DefaultRulesPath, contentRoot);
        if (path is null)
        {
            if (configured is not null)
            {
                SinkDiagnostics.Default.ReportOnce(XRayExporter.SinkName, "rules-missing", $"XRAY_SAMPLING_RULES '{configured}' was not found; sampling stays parent-based always-on.");
            }

            return builder;
        }

        IReadOnlyList<XRaySamplingRule> rules;
        try
        {
            rules = XRaySamplingRules.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            SinkDiagnostics.Default.ReportOnce(XRayExporter.SinkName, "rules-invalid", $"sampling rules '{path}' are invalid ({ex.Message}); sampling stays parent-based always-on.");
            return builder;
        }

        // The same naming settings the exporter binds, so rules match the names segments are sent under.
        var naming = new XRayExporterOptions().Bind(configuration);
        return builder.SetSampler(sp => new XRaySampler(rules, serviceName, sp.GetService<TimeProvider>(),
            dynamicNamingPattern: naming.DynamicNamingPattern, tracingName: naming.TracingName));
    }

    internal static string? FindRulesFile(string path, string? contentRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return File.Exists(path) ? path : null;
        }

        foreach (var baseDirectory in new[] { contentRoot, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            if (baseDirectory is null)
            {
                continue;
            }

            var candidate = Path.GetFullPath(Path.Combine(baseDirectory, path));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
