using System.Net;
using System.Net.Sockets;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// Each configuration mistake a user can make when starting a process is one line on standard error and exit code
/// 2 — never a stack trace — or, where a working default exists, a warning and a running service.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StartupMistakeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Orleans__SiloPort", "abc", "'abc' at 'Orleans:SiloPort'")]
    [InlineData("Orleans__SiloPort", "70000", "Orleans:SiloPort must be a port number from 1 to 65535, not 70000")]
    [InlineData("Orleans__GatewayPort", "-1", "Orleans:GatewayPort must be a port number from 0 to 65535, not -1")]
    [InlineData("ConnectionStrings__redis", "127.0.0.1:6379,abortConnect=maybe", "ConnectionStrings__redis is malformed")]
    public async Task A_silo_with_a_malformed_setting_says_so_in_one_line(string key, string value, string expected)
    {
        var line = await FailingStartAsync("Cruddur.Silo", new() { [key] = value });
        Assert.StartsWith("cruddur-silo: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_whose_redis_is_unreachable_says_which_in_one_line()
    {
        var port = FreePort.Tcp();
        var line = await FailingStartAsync("Cruddur.Silo", new() { ["ConnectionStrings__redis"] = $"127.0.0.1:{port}" });
        Assert.Equal($"cruddur-silo: Redis at 127.0.0.1:{port} is unreachable (Connection refused); start it, or fix ConnectionStrings__redis", line);
    }

    [Fact]
    public async Task A_silo_whose_advertised_address_does_not_resolve_says_so_in_one_line()
    {
        await using var redis = await RedisServer.StartAsync();
        var line = await FailingStartAsync("Cruddur.Silo", new()
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["Orleans__AdvertisedIPAddress"] = "no-such-host.invalid",
        });
        Assert.StartsWith("cruddur-silo: Orleans__AdvertisedIPAddress 'no-such-host.invalid' does not resolve", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_silo_on_the_ports_of_a_running_one_refuses_to_start()
    {
        var (siloPort, gatewayPort) = (FreePort.Tcp(), FreePort.Tcp());
        var ports = new Dictionary<string, string?>
        {
            ["Orleans__SiloPort"] = siloPort.ToString(),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(),
            ["Orleans__ClusterId"] = "taken-" + Guid.NewGuid().ToString("N")[..8],
        };
        await using var first = ServiceProcess.Start("silo", "Cruddur.Silo", ports);
        await first.WaitForOutputAsync("Application started", Wait);

        var line = await FailingStartAsync("Cruddur.Silo", ports);
        Assert.Equal(
            $"cruddur-silo: port {siloPort} is already in use (another silo?); set Orleans__SiloPort / Orleans__GatewayPort to free ports",
            line);
        Assert.False(first.HasExited);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS", "http://0.0.0.0:abc", "ASPNETCORE_URLS: 'http://0.0.0.0:abc' is not an http:// or https:// URL with a numeric port")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "99999", "ASPNETCORE_HTTP_PORTS: '99999' is not a port number from 1 to 65535")]
    [InlineData("Orleans__GatewayPort", "x", "'x' at 'Orleans:GatewayPort'")]
    [InlineData("Orleans__ResponseTimeout", "-00:00:01", "Orleans:ResponseTimeout must be positive")]
    public async Task A_gateway_with_a_malformed_setting_says_so_in_one_line(string key, string value, string expected)
    {
        var line = await FailingStartAsync("Cruddur.Gateway", new() { [key] = value });
        Assert.StartsWith("cruddur-gateway: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_on_a_taken_port_refuses_to_start()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var line = await FailingStartAsync("Cruddur.Gateway", new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        Assert.Equal($"cruddur-gateway: port {port} is already in use (another gateway?); stop it, or set ASPNETCORE_URLS to a free port", line);
    }

    [Fact]
    public async Task A_malformed_sampling_rule_file_is_a_warning_and_the_gateway_runs_on_the_default()
    {
        var rules = Path.Combine(Path.GetTempPath(), $"xray-broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(rules, """{"version": 2, "rules": [ {"host": """);
        await using var gateway = ServiceProcess.Start("gateway", "Cruddur.Gateway", new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Tcp()}",
            ["Orleans__GatewayPort"] = FreePort.Tcp().ToString(),
            ["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:2000",
            ["XRAY_SAMPLING"] = "local",
            ["XRAY_SAMPLING_RULES"] = rules,
        });
        await gateway.WaitForOutputAsync("Now listening on", Wait);
        await gateway.WaitForOutputAsync(rules, Wait);

        Assert.False(gateway.HasExited);
        Assert.Single(gateway.Output.Split('\n'), l => l.Contains(rules, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", gateway.Output, StringComparison.Ordinal);
    }

    /// <summary>Starts the process, waits for its exit, and returns its only line of output; exit code 2.</summary>
    private static async Task<string> FailingStartAsync(string project, Dictionary<string, string?> environment)
    {
        environment.TryAdd("Orleans__SiloPort", FreePort.Tcp().ToString());
        environment.TryAdd("Orleans__GatewayPort", FreePort.Tcp().ToString());
        if (project == "Cruddur.Gateway")
        {
            environment.TryAdd("ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort.Tcp()}");
        }

        await using var process = ServiceProcess.Start(project, project, environment, workingDirectory: "/");
        await process.WaitForExitAsync(Wait);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"{project} printed {lines.Length} lines, not one:\n{process.Output}");
        Assert.Equal(2, process.ExitCode);
        return lines[0];
    }
}
