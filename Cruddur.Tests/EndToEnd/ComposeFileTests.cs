using System.Diagnostics;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// docker-compose.yml, checked offline with Debian's docker-compose (`config`, which validates and resolves it):
/// the services and ports, and every configuration variable of product.md reaching both silos and the gateway.
/// </summary>
public sealed class ComposeFileTests
{
    internal static readonly string[] PassedThrough =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "HONEYCOMB_API_KEY", "HONEYCOMB_ENDPOINT", "HONEYCOMB_METRICS_DATASET", "AWS_XRAY_DAEMON_ADDRESS", "AWS_XRAY_TRACING_NAME", "AWS_XRAY_URL",
        "XRAY_SAMPLING", "XRAY_SAMPLING_RULES", "XRAY_INDEXED_ATTRIBUTES", "CLOUDWATCH_LOG_GROUP", "CLOUDWATCH_METRICS_NAMESPACE",
        "CLOUDWATCH_METRICS_INTERVAL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
        "ROLLBAR_ACCESS_TOKEN", "ROLLBAR_ENVIRONMENT", "ROLLBAR_ENDPOINT", "ROLLBAR_MINIMUM_LEVEL", "ROLLBAR_SCRUB_FIELDS",
        "FRONTEND_URL", "BACKEND_URL",
    ];

    private static readonly string[] AppServices = ["silo1", "silo2", "gateway"];

    [Fact]
    public async Task Compose_file_is_valid_and_passes_every_variable_to_silos_and_gateway()
    {
        var resolved = await ComposeConfigAsync(PassedThrough.ToDictionary(v => v, v => $"marker-{v}"));
        var services = ServiceSections(resolved);

        Assert.Equal(["gateway", "redis", "silo1", "silo2", "xray-daemon"], services.Keys.Order());
        foreach (var service in AppServices)
        {
            var section = services[service];
            foreach (var variable in PassedThrough)
            {
                Assert.Contains($"{variable}: marker-{variable}", section);
            }

            Assert.Contains("OTEL_SERVICE_NAME: cruddur-", section);
            Assert.Contains("ConnectionStrings__redis: redis:6379", section);
            Assert.Contains("Cruddur__Dashboard: \"true\"", section); // the gateway's /dashboard needs the silos' half
        }

        // The published ports themselves (ASPNETCORE_URLS also mentions 4567, so match the port mapping's lines).
        Assert.Contains("- published: 4567\ntarget: 4567", services["gateway"]);
        Assert.Contains("- protocol: udp\npublished: 2000\ntarget: 2000", services["xray-daemon"]);
        Assert.Contains("service_healthy", services["gateway"]);
        Assert.Contains("AWS_ACCESS_KEY_ID: marker-AWS_ACCESS_KEY_ID", services["xray-daemon"]);
    }

    [Fact]
    public void Compose_file_and_env_example_hold_no_secret_values()
    {
        var compose = File.ReadAllText(Path.Combine(RepoPaths.Root, "docker-compose.yml"));
        Assert.DoesNotMatch(@"(AKIA[0-9A-Z]{16}|hc[a-z]ic_[a-z0-9]{20,})", compose);

        foreach (var line in File.ReadAllLines(Path.Combine(RepoPaths.Root, ".env.example")))
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                Assert.EndsWith("=", line); // names only
            }
        }
    }

    private static async Task<string> ComposeConfigAsync(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("docker-compose", ["-f", "docker-compose.yml", "config"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"docker-compose config failed: {await stderr}");
        return await stdout;
    }

    /// <summary>Splits `docker-compose config` output into its service sections (two-space indented names).</summary>
    private static Dictionary<string, string> ServiceSections(string yaml)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        var inServices = false;
        foreach (var line in yaml.Split('\n'))
        {
            if (!line.StartsWith(' '))
            {
                inServices = line.TrimEnd() == "services:";
                current = null;
                continue;
            }

            if (inServices && line.Length > 2 && line[2] != ' ' && line.TrimEnd().EndsWith(':'))
            {
                current = sections[line.Trim().TrimEnd(':')] = [];
            }
            else
            {
                current?.Add(line.Trim());
            }
        }

        return sections.ToDictionary(s => s.Key, s => string.Join('\n', s.Value));
    }
}
