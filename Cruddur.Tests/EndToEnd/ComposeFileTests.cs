using System.Diagnostics;
using System.Text.RegularExpressions;
using Cruddur.ServiceDefaults;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// docker-compose.yml, checked offline with Debian's docker-compose (`config`, which validates and resolves it):
/// the services and ports, and every passed-through variable of Cruddur.ServiceDefaults/ConfigurationVariables.cs
/// reaching each service that reads it.
/// </summary>
public sealed partial class ComposeFileTests
{
    /// <summary>The variables compose takes from the host environment or .env under their own names.</summary>
    internal static IReadOnlyList<string> PassedThrough { get; } =
        [.. ConfigurationVariables.All.Where(v => v.Compose == InCompose.PassedThrough).Select(v => v.Name)];

    /// <summary>The variables compose passes as "" when the operator left them unset (<c>NAME: ${NAME:-}</c>).</summary>
    internal static IReadOnlyList<string> PassedEmptyWhenUnset() =>
        [.. EmptyDefault().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "docker-compose.yml")))
            .Select(m => m.Groups[1].Value).Distinct()];

    [GeneratedRegex(@"^\s+([A-Za-z_][A-Za-z0-9_]*): \$\{\1:-\}\s*$", RegexOptions.Multiline)]
    private static partial Regex EmptyDefault();

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
            var host = service == "gateway" ? ReadBy.Gateway : ReadBy.Silo;
            foreach (var variable in ConfigurationVariables.All.Where(v => v.Compose == InCompose.PassedThrough && v.ReadBy.HasFlag(host)))
            {
                Assert.Contains($"{variable.Name}: marker-{variable.Name}", section);
            }

            Assert.Contains("OTEL_SERVICE_NAME: cruddur-", section);
            Assert.Contains("ConnectionStrings__redis: redis:6379", section);
            Assert.Contains("Cruddur__Dashboard: \"true\"", section); // on by default; the gateway's /dashboard needs the silos' half
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
