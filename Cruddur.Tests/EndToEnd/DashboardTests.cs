using System.Diagnostics;
using System.Text.Json;
using Cruddur.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The Orleans Dashboard at the gateway's <c>/dashboard</c> with <c>Cruddur__Dashboard=true</c> on silo and gateway
/// (as the local run and compose set it): its page, and its counters API listing the silo and the grain types that
/// served the requests; with the silo gone, <c>/dashboard</c> is a 503 problem+json well within the response timeout.
/// Off by default: without the variable <c>/dashboard</c> is a 404.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DashboardTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> DashboardOn = new() { ["Cruddur__Dashboard"] = "true" };

    [Fact]
    public async Task Dashboard_shows_the_silo_and_the_grain_types_then_answers_503_fast_when_the_cluster_is_gone()
    {
        await using var cluster = await CruddurCluster.StartAsync(DashboardOn, DashboardOn);
        using var http = cluster.CreateClient();
        (await http.GetAsync("/api/activities/home")).EnsureSuccessStatusCode();
        (await http.GetAsync("/api/users/@andrewbrown")).EnsureSuccessStatusCode();

        using var page = await http.GetAsync("/dashboard/");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The silo reports its counters every second: wait for the grain types that served the two requests.
        JsonElement counters = default;
        var deadline = Stopwatch.StartNew();
        string[] grainTypes = [];
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var response = await http.GetAsync("/dashboard/DashboardCounters");
            Assert.Equal(200, (int)response.StatusCode);
            counters = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            grainTypes = GrainTypes(counters);
            if (grainTypes.Any(t => t.EndsWith("HomeTimelineGrain", StringComparison.Ordinal)) && grainTypes.Any(t => t.EndsWith(".UserGrain", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(250);
        }

        output.WriteLine(counters.ToString());
        Assert.Contains(grainTypes, t => t.EndsWith("HomeTimelineGrain", StringComparison.Ordinal));
        Assert.Contains(grainTypes, t => t.EndsWith(".UserGrain", StringComparison.Ordinal));
        var host = Assert.Single(Property(counters, "hosts").EnumerateArray());
        Assert.Equal("Active", Property(host, "status").GetString());
        Assert.Equal(1, Property(counters, "totalActiveHostCount").GetInt32());

        // The cluster is gone: 503 problem+json, fast.
        Assert.Equal(0, await cluster.Silos.Single().TerminateAsync(TimeSpan.FromSeconds(30)));
        foreach (var path in (string[])["/dashboard/DashboardCounters", "/dashboard/"])
        {
            var stopwatch = Stopwatch.StartNew();
            using var gone = await http.GetAsync(path);
            output.WriteLine($"{path} with the cluster gone: {(int)gone.StatusCode} in {stopwatch.ElapsedMilliseconds} ms");
            Assert.Equal(503, (int)gone.StatusCode);
            Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}, the response timeout is 10 s");
        }
    }

    [Fact]
    public async Task Dashboard_is_off_unless_configured()
    {
        await using var cluster = await CruddurCluster.StartAsync();
        using var http = cluster.CreateClient();
        using var response = await http.GetAsync("/dashboard/");
        Assert.Equal(404, (int)response.StatusCode);
    }

    private static string[] GrainTypes(JsonElement counters) =>
        Property(counters, "simpleGrainStats").EnumerateArray().Select(s => Property(s, "grainType").GetString()!).Distinct().ToArray();

    /// <summary>A property by name, whatever its casing (the dashboard's JSON is camelCase today).</summary>
    private static JsonElement Property(JsonElement element, string name) =>
        element.EnumerateObject().First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
