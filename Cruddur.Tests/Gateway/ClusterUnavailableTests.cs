using System.Diagnostics;
using System.Net;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Gateway;

/// <summary>When the silos are gone the gateway answers 503 problem+json promptly: no hang, no 500, no stack.</summary>
public sealed class ClusterUnavailableTests
{
    [Fact]
    public async Task Gateway_answers_503_problem_json_when_the_cluster_is_gone()
    {
        var cluster = new ClusterFixture();
        await cluster.InitializeAsync();
        await using var factory = new GatewayFactory(cluster.Cluster);
        using var http = factory.CreateClient();
        using (var ok = await http.GetAsync("/api/activities/home"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await cluster.DisposeAsync();

        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync("/api/activities/@worf");
        clock.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 503);
        // Bounded by the configured response timeout (5 s here), never the HTTP client's 100 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"503 took {clock.Elapsed}");
    }
}
