using Cruddur.Telemetry.Semantics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

public static class XRaySamplerExtensions
{
    public const string DefaultRulesPath = "aws/json/xray.json";

    /// <summary>
    /// Sets the <see cref="XRaySampler"/>. <c>XRAY_SAMPLING</c> chooses where its rules come from:
    /// <list type="bullet">
    /// <item><c>remote</c> (the default when <c>AWS_XRAY_DAEMON_ADDRESS</c> is set): the rules created in X-Ray,
    /// fetched through the daemon's TCP proxy by a background <see cref="XRaySamplingPoller"/>; the local rules below
    /// (else X-Ray's default, 1/s + 5 %) apply until they arrive and whenever the daemon cannot be reached or its
    /// rules are over an hour old;</item>
    /// <item><c>local</c> (the default otherwise): the rule file only — <c>XRAY_SAMPLING_RULES</c>, else
    /// <c>aws/json/xray.json</c>, each tried as given, then under the content root, the current directory and the
    /// app's base directory. No file: the SDK's default sampler stays (parent-based, always on).</item>
    /// </list>
    /// A rule file that does not parse, or an unknown mode, is reported once on stderr and ignored.
    /// </summary>
    /// <param name="whenSampling">
    /// Called with the services only when a sampler is set: a host registers there what the sampler reads of the
    /// request being started (<see cref="CurrentHttpRequest"/>), so a host without rules pays nothing for it.
    /// </param>
    public static TracerProviderBuilder AddXRaySampler(this TracerProviderBuilder builder, IConfiguration configuration,
        string serviceName, string? contentRoot = null, Action<IServiceCollection>? whenSampling = null)
    {
        var rules = LocalRules(configuration, contentRoot, out var rulesPath);

        // The same naming settings the exporter binds, so rules match the names segments are sent under.
        var naming = new XRayExporterOptions().Bind(configuration);

        var daemon = RemoteDaemon(configuration);
        if (daemon is null && rules is null)
        {
            return builder;
        }

        // ASP.NET Core starts a request's span with server.address and server.port only: method and path, which
        // rules match too, are read from the request being started (set before its span starts) by the host's
        // CurrentHttpRequest, where the host has one (the gateway's is in Cruddur.ServiceDefaults).
        if (whenSampling is not null)
        {
            builder.ConfigureServices(whenSampling);
        }

        static Func<HttpRequestAttributes?>? CurrentRequest(IServiceProvider sp) =>
            sp.GetService<CurrentHttpRequest>() is { } current ? () => current() : null;

        if (daemon is null)
        {
            return builder.SetSampler(sp => new XRaySampler(rules!, null, serviceName, sp.GetService<TimeProvider>(),
                dynamicNamingPattern: naming.DynamicNamingPattern, tracingName: naming.TracingName, currentRequest: CurrentRequest(sp)));
        }

        var local = rules ?? [XRaySamplingRule.Default];
        var localDescription = rulesPath is null ? "X-Ray's default rule (1/s + 5%)" : $"the local rules in '{rulesPath}'";
        var proxy = $"{daemon.TcpHost}:{daemon.TcpPort}";
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(_ => new XRayRemoteRuleSource(proxy, localDescription));
            services.AddSingleton(sp => new XRaySamplingPoller(
                sp.GetRequiredService<XRayRemoteRuleSource>(),
                new XRaySamplingProxyClient(daemon.TcpHost, daemon.TcpPort),
                sp.GetService<TimeProvider>()));
            services.AddHostedService(sp => sp.GetRequiredService<XRaySamplingPoller>());
        });
        return builder.SetSampler(sp => new XRaySampler(local, sp.GetRequiredService<XRayRemoteRuleSource>(), serviceName,
            sp.GetService<TimeProvider>(), dynamicNamingPattern: naming.DynamicNamingPattern, tracingName: naming.TracingName,
            currentRequest: CurrentRequest(sp)));
    }

    /// <summary>
    /// The daemon whose TCP proxy serves the rules, when <c>XRAY_SAMPLING</c> is <c>remote</c> (or unset and
    /// <c>AWS_XRAY_DAEMON_ADDRESS</c> is set); null for local rules only.
    /// </summary>
    internal static XRayDaemonAddress? RemoteDaemon(IConfiguration configuration)
    {
        var configuredAddress = TelemetrySettings.NonEmpty(configuration["AWS_XRAY_DAEMON_ADDRESS"]);
        var mode = TelemetrySettings.NonEmpty(configuration["XRAY_SAMPLING"])?.ToLowerInvariant();
        if (mode is not (null or "local" or "remote"))
        {
            SinkDiagnostics.Default.ReportOnce(XRayExporter.SinkName, "sampling-mode", $"XRAY_SAMPLING '{mode}' is neither 'local' nor 'remote'; using the default.");
            mode = null;
        }

        if (mode == "local" || (mode is null && configuredAddress is null))
        {
            return null;
        }

        if (configuredAddress is null)
        {
            return XRayDaemonAddress.Default;
        }

        if (XRayDaemonAddress.TryParse(configuredAddress, out var address))
        {
            return address;
        }

        SinkDiagnostics.Default.ReportOnce(XRayExporter.SinkName, "sampling-address", $"AWS_XRAY_DAEMON_ADDRESS '{configuredAddress}' is not host:port or 'tcp:host:port udp:host:port'; sampling uses the local rules only.");
        return null;
    }

    private static IReadOnlyList<XRaySamplingRule>? LocalRules(IConfiguration configuration, string? contentRoot, out string? path)
    {
        var configured = TelemetrySettings.NonEmpty(configuration["XRAY_SAMPLING_RULES"]);
        path = FindRulesFile(configured ?? DefaultRulesPath, contentRoot);
        if (path is null)
        {
            if (configured is not null)
            {
                SinkDiagnostics.Default.ReportOnce(XRayExporter.SinkName, "rules-missing", $"XRAY_SAMPLING_RULES '{configured}' was not found; no local rule file.");
            }

            return null;
        }

        try
        {
            return XRaySamplingRules.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            SinkDiagnostics.Default.ReportOnce(XRayExporter.SinkName, "rules-invalid", $"sampling rules '{path}' are invalid ({ex.Message}); no local rule file.");
            path = null;
            return null;
        }
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
