using System.Net;
using System.Text;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Gateway;

/// <summary>
/// Every error answer is problem+json whatever the request's <c>Accept</c> (the original's 422 arrays excepted),
/// CORS is on /api/* only and every /api answer varies by Origin, and health answers as the cluster is up or gone.
/// Read-only requests, or a fresh caller via the header: the seeded users are never written.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ErrorShapeAndCorsTests(ClusterFixture fixture) : GatewayTestBase(fixture)
{
    private const string RefusedOrigin = "http://evil.example";

    /// <summary>No Accept header at all, then the usual API, browser and XML clients.</summary>
    private static readonly string?[] AcceptVariants = [null, "*/*", "application/json", "text/html", "application/xml"];

    public static TheoryData<string, string, string?, int, string?> ErrorCases()
    {
        (string Method, string Path, string? Body, int Status)[] requests =
        [
            ("GET", "/nope", null, 404),
            ("GET", "/api/activities/00000000-0000-0000-0000-000000000001", null, 404),
            ("DELETE", "/api/activities/home", null, 405),
            ("GET", "/api/activities/@bad-handle", null, 400),
            ("POST", "/api/activities", "not json", 400),
            ("GET", "/api/activities/search?term=", null, 422),
        ];
        var data = new TheoryData<string, string, string?, int, string?>();
        foreach (var (method, path, body, status) in requests)
        {
            foreach (var accept in AcceptVariants)
            {
                data.Add(method, path, body, status, accept);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task Errors_are_problem_json_whatever_the_accept_header_and_422_stays_the_originals_array(
        string method, string path, string? body, int status, string? accept)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            request.Headers.Add("X-Cruddur-User", "hfaults_poster"); // never a seeded user, should it get through
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        if (status == 422)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("""["search_term_blank"]""", await response.Content.ReadAsStringAsync());
        }
        else
        {
            await RouteTests.AssertProblemJson(response, status);
        }
    }

    [Fact]
    public async Task Cluster_gone_is_503_problem_json_for_every_accept_header_and_health_says_so()
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

        foreach (var accept in AcceptVariants)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/@worf");
            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept", accept);
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            // Bounded by the configured response timeout (5 s here), never the HTTP client's 100 s.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"503 took {clock.Elapsed}");
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"Accept {accept ?? "(absent)"}: {(int)response.StatusCode}");
            await RouteTests.AssertProblemJson(response, 503);
        }

        using (var alive = await http.GetAsync("/alive"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        using (var health = await http.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        using (var healthCheck = await http.GetAsync("/api/health-check"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, healthCheck.StatusCode);
            await RouteTests.AssertProblemJson(healthCheck, 503);
        }
    }

    [Theory]
    [InlineData(GatewayFactory.FrontendOrigin, true)]
    [InlineData(RefusedOrigin, false)]
    [InlineData(null, false)]
    public async Task Every_api_answer_varies_by_origin_and_only_an_allowed_one_is_echoed(string? origin, bool allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/home");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.Vary, v => v.Equals("Origin", StringComparison.OrdinalIgnoreCase));
        if (allowed)
        {
            Assert.Equal(origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        }
        else
        {
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task Cors_is_on_api_only_so_rollbar_test_gets_no_allow_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rollbar/test");
        request.Headers.Add("Origin", GatewayFactory.FrontendOrigin);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_for_unfollow_with_the_caller_header_from_the_frontend_is_allowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/users/@someone/follow");
        request.Headers.Add("Origin", GatewayFactory.FrontendOrigin);
        request.Headers.Add("Access-Control-Request-Method", "DELETE");
        request.Headers.Add("Access-Control-Request-Headers", "x-cruddur-user");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(GatewayFactory.FrontendOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("DELETE", SplitHeader(response, "Access-Control-Allow-Methods"), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("x-cruddur-user", SplitHeader(response, "Access-Control-Allow-Headers"), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Alive_and_health_are_200_while_the_cluster_is_up()
    {
        using (var alive = await Http.GetAsync("/alive"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        using (var health = await Http.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }

        using var healthCheck = await Http.GetAsync("/api/health-check");
        Assert.Equal(HttpStatusCode.OK, healthCheck.StatusCode);
        Assert.Equal("""{"success":true,"ver":1}""", await healthCheck.Content.ReadAsStringAsync());
    }

    private static string[] SplitHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray()
            : [];
}
