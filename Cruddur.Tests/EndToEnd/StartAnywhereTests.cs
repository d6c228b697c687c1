using System.Net;
using System.Text;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The gateway and a silo started the ways users start them — from the repository root, from <c>/</c>, from their
/// own folder — read the same configuration, write no framework request lines, and let no secret out: a canary in a
/// query string or a header, on a 200, a 404, a 422 and a 500, is in no sink's payload (OTLP traces and logs, X-Ray
/// datagrams, CloudWatch Logs requests, Rollbar items) and not on either console.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StartAnywhereTests
{
    private const string FaultyHandle = "faulty_start_anywhere";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>What the shipped appsettings.json and the code's own filters make of the categories reported at start.</summary>
    private const string GatewayLevels =
        "Cruddur=Information, Microsoft.AspNetCore.Hosting.Diagnostics=Warning, Microsoft.AspNetCore=Warning, " +
        "Microsoft.Hosting.Lifetime=Information, Orleans=Warning, Orleans.Runtime.Watchdog=Warning, Polly=Warning";

    private const string SiloLevels =
        "Cruddur=Information, Microsoft.AspNetCore.Hosting.Diagnostics=Warning, Microsoft.AspNetCore=Warning, " +
        "Microsoft.Hosting.Lifetime=Information, Orleans=Warning, Orleans.Runtime.Watchdog=Error, Polly=Warning";

    [Theory]
    [InlineData("repository root")]
    [InlineData("/")]
    [InlineData("own folder")]
    public async Task Started_from_anywhere_the_configuration_is_the_same_and_no_secret_reaches_a_sink(string from)
    {
        var workingDirectory = from switch
        {
            "repository root" => RepoPaths.Root,
            "/" => "/",
            _ => null,
        };
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var xray = new FakeXRayDaemon();
        await using var cloudWatch = await FakeCloudWatchLogs.StartAsync();
        await using var rollbar = await FakeRollbarServer.StartAsync();
        var rules = Path.Combine(Path.GetTempPath(), $"xray-all-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(rules, """{"version": 2, "rules": [], "default": {"fixed_target": 1000, "rate": 1.0}}""");
        var env = CruddurCluster.OtlpTo(otlp.Endpoint);
        foreach (var (key, value) in new Dictionary<string, string?>
                 {
                     ["AWS_XRAY_DAEMON_ADDRESS"] = xray.Address,
                     ["XRAY_SAMPLING"] = "local",
                     ["XRAY_SAMPLING_RULES"] = rules,
                     ["CLOUDWATCH_LOG_GROUP"] = "cruddur",
                     ["AWS_REGION"] = "us-east-1",
                     ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = cloudWatch.Endpoint.ToString(),
                     ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
                     ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                     ["ROLLBAR_ACCESS_TOKEN"] = "fake-start-anywhere-token",
                     ["ROLLBAR_ENDPOINT"] = rollbar.Endpoint.ToString(),
                 })
        {
            env[key] = value;
        }

        var siloEnv = new Dictionary<string, string?>(env) { ["Cruddur__Faults__ThrowForHandle"] = FaultyHandle };
        await using var cluster = await CruddurCluster.StartAsync(siloEnv, env, workingDirectory);
        using var http = cluster.CreateClient();

        var canaries = new List<string>();
        var statuses = new List<HttpStatusCode>();
        foreach (var (method, path, body) in Routes())
        {
            foreach (var way in new[] { "token", "password", "api_key", "Authorization", "Cookie", "X-Api-Key" })
            {
                var canary = $"canary{canaries.Count}x{Guid.NewGuid():N}";
                canaries.Add(canary);
                var uri = way is "token" or "password" or "api_key" ? $"{path}?{way}={canary}" : path;
                using var request = new HttpRequestMessage(method, uri);
                request.Headers.Add("X-Cruddur-User", "andrewbrown");
                switch (way)
                {
                    case "Authorization": request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {canary}"); break;
                    case "Cookie": request.Headers.TryAddWithoutValidation("Cookie", $"session={canary}"); break;
                    case "X-Api-Key": request.Headers.TryAddWithoutValidation("X-Api-Key", canary); break;
                }

                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                using var response = await http.SendAsync(request);
                statuses.Add(response.StatusCode);
            }
        }

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.NotFound, (HttpStatusCode)422, HttpStatusCode.InternalServerError],
            statuses.Distinct().Order());

        // Everything the processes hold is flushed when they stop, as docker stop would stop them.
        Assert.Equal(0, await cluster.Gateway.TerminateAsync(Wait));
        foreach (var silo in cluster.Silos)
        {
            Assert.Equal(0, await silo.TerminateAsync(Wait));
        }

        var payloads = new List<(string Sink, string Text)>();
        payloads.AddRange(otlp.RawBodies.Select(b => ("OTLP", Encoding.UTF8.GetString(b))));
        payloads.AddRange(xray.Datagrams.Select(d => ("X-Ray", d.Header + d.Body)));
        payloads.AddRange(cloudWatch.Requests.Select(r => ("CloudWatch", r.Body)));
        payloads.AddRange(rollbar.Requests.Select(r => ("Rollbar", r.Body)));
        payloads.Add(("gateway console", cluster.Gateway.Output));
        payloads.AddRange(cluster.SiloProcesses.Select(s => ("silo console", s.Output)));

        // Every sink got the traffic (so "no canary" is not "nothing arrived").
        Assert.Contains(payloads, p => p.Sink == "OTLP" && p.Text.Contains("/api/activities/home", StringComparison.Ordinal));
        Assert.NotEmpty(otlp.LogBodies);
        Assert.Contains(payloads, p => p.Sink == "X-Ray" && p.Text.Contains("/api/activities/home", StringComparison.Ordinal));
        Assert.Contains(payloads, p => p.Sink == "CloudWatch" && p.Text.Contains("/api/activities/home", StringComparison.Ordinal));
        Assert.Contains(payloads, p => p.Sink == "Rollbar" && p.Text.Contains(FaultyHandle, StringComparison.Ordinal));

        foreach (var (sink, text) in payloads)
        {
            Assert.DoesNotContain("Request starting", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Request finished", text, StringComparison.Ordinal);
            foreach (var canary in canaries)
            {
                Assert.False(text.Contains(canary, StringComparison.Ordinal), $"canary {canary} reached the {sink}");
            }
        }

        // The same configuration from every folder: the shipped appsettings.json, and the levels it makes.
        AssertReport(cluster.Gateway.Output, GatewayLevels);
        AssertReport(cluster.SiloProcesses.Single().Output, SiloLevels);
    }

    private static void AssertReport(string output, string levels)
    {
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Configuration from ", StringComparison.Ordinal));
        Assert.NotNull(line);
        Assert.Contains("(appsettings.json found)", line, StringComparison.Ordinal);
        Assert.EndsWith("log levels: " + levels, line, StringComparison.Ordinal);
    }

    /// <summary>A 200, a 404, a 422 and a 500.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Routes() =>
    [
        (HttpMethod.Get, "/api/activities/home", null),
        (HttpMethod.Get, $"/api/activities/{Guid.NewGuid()}", null),
        (HttpMethod.Post, "/api/activities", """{"message": "", "ttl": "7-days"}"""),
        (HttpMethod.Get, $"/api/activities/@{FaultyHandle}", null),
    ];
}
