using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Gateway;

/// <summary>Every route of the README's API table ("The API"), through the real gateway pipeline against a TestCluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class RouteTests(ClusterFixture fixture) : GatewayTestBase(fixture)
{
    internal static readonly string[] ActivityFields =
        ["uuid", "handle", "display_name", "message", "created_at", "expires_at", "likes_count", "replies_count", "reposts_count", "replies"];

    internal static readonly string[] ReplyFields =
        ["uuid", "reply_to_activity_uuid", "handle", "display_name", "message", "likes_count", "replies_count", "reposts_count", "created_at"];

    [Fact]
    public async Task Home_is_an_array_of_activities_with_the_originals_field_names_and_times()
    {
        using var response = await Http.GetAsync("/api/activities/home");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, json.RootElement.GetArrayLength());
        var first = json.RootElement[1];
        Assert.Equal(ActivityFields, first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("68f126b0-1ceb-4a33-88be-d90fa7109eee", first.GetProperty("uuid").GetString());
        Assert.Equal("Andrew Brown", first.GetProperty("display_name").GetString());
        Assert.Matches(IsoTime(), first.GetProperty("created_at").GetString());
        Assert.Matches(IsoTime(), first.GetProperty("expires_at").GetString());
        var reply = first.GetProperty("replies")[0];
        Assert.Equal(ReplyFields, reply.EnumerateObject().Select(p => p.Name));
        Assert.Matches(IsoTime(), reply.GetProperty("created_at").GetString());
    }

    [Theory]
    [InlineData("/api/activities/@andrewbrown", 1)]
    [InlineData("/api/activities/@worf", 1)]
    [InlineData("/api/activities/@abcdefghijklmnopqrstuvwxyz_01234", 0)] // 32 characters: the longest valid handle
    [InlineData("/api/activities/notifications", 1)]
    [InlineData("/api/activities/search?term=prune", 1)]
    [InlineData("/api/activities/@nobody_has_this", 0)]
    public async Task Activity_routes_answer_200_arrays(string path, int count)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        Assert.Equal(count, json.RootElement.GetArrayLength());
        Assert.All(json.RootElement.EnumerateArray(), a => Assert.Equal(ActivityFields, a.EnumerateObject().Select(p => p.Name)));
    }

    [Theory]
    [InlineData("/api/activities/search")]
    [InlineData("/api/activities/search?term=")]
    [InlineData("/api/activities/search?term=%20%20")]
    public async Task Blank_search_is_422_with_the_originals_error_array(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("""["search_term_blank"]""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/activities/@")]
    [InlineData("/api/activities/@abcdefghijklmnopqrstuvwxyz_012345")] // 33 characters
    [InlineData("/api/activities/@../x")]
    [InlineData("/api/activities/@%2E%2E%2Fx")]
    [InlineData("/api/activities/@%F0%9F%A6%84")] // an emoji
    [InlineData("/api/activities/@andrew-brown")]
    public async Task Malformed_handles_are_400_problem_json(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemJson(response, 400);
    }

    [Fact]
    public async Task Unknown_activity_path_is_404_problem_json()
    {
        using var response = await Http.GetAsync("/api/activities/andrewbrown");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemJson(response, 404);
    }

    [Fact]
    public async Task Health_check_is_the_originals_answer()
    {
        using var response = await Http.GetAsync("/api/health-check");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true,"ver":1}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rollbar_test_answers_hello_world_as_text()
    {
        using var response = await Http.GetAsync("/rollbar/test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Hello World!", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(GatewayFactory.FrontendOrigin)]
    [InlineData(GatewayFactory.BackendOrigin)]
    public async Task Cors_echoes_an_allowed_origin(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/home");
        request.Headers.Add("Origin", origin);
        using var response = await Http.SendAsync(request);
        Assert.Equal(origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Cors_preflight_from_the_frontend_is_allowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/activities/home");
        request.Headers.Add("Origin", GatewayFactory.FrontendOrigin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(GatewayFactory.FrontendOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Cors_does_not_allow_any_other_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/activities/home");
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_with_the_apis_field_names()
    {
        using var response = await Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string>
        {
            "/api/activities/home", "/api/activities/notifications", "/api/activities/search", "/api/activities",
            "/api/activities/{uuid}", "/api/activities/{uuid}/reply", "/api/message_groups", "/api/messages/@{handle}",
            "/api/messages", "/api/users/@{handle}", "/api/users/@{handle}/follow", "/api/health-check",
        }, paths.ToHashSet());
        var messageBody = json.RootElement.GetProperty("paths").GetProperty("/api/messages").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.True(messageBody.GetProperty("properties").TryGetProperty("user_receiver_handle", out _), messageBody.ToString());
        var activity = json.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Activity");
        Assert.True(activity.GetProperty("properties").TryGetProperty("replies_count", out _), activity.ToString());
    }

    [Fact]
    public async Task The_api_reference_page_is_served_in_development()
    {
        using var response = await Http.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task<JsonElement> AssertProblemJson(HttpResponseMessage response, int status)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // never a stack trace
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return problem;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")]
    private static partial Regex IsoTime();
}
