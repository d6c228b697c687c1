using System.Net;
using System.Text;
using System.Text.Json;
using Cruddur.Gateway.Api;

namespace Cruddur.Tests.Infrastructure;

/// <summary>Requests as the original frontend sends them, acting as a given caller (<c>X-Cruddur-User</c>).</summary>
public static class TestApi
{
    public static HttpRequestMessage Post(string path, string caller, string json) =>
        As(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, caller);

    public static HttpRequestMessage Get(string path, string caller) => As(new HttpRequestMessage(HttpMethod.Get, path), caller);

    public static HttpRequestMessage Send(HttpMethod method, string path, string caller) => As(new HttpRequestMessage(method, path), caller);

    public static async Task<JsonElement> ReadJson(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} (expected {(int)expected}): {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string NewHandle(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];

    private static HttpRequestMessage As(HttpRequestMessage request, string caller)
    {
        request.Headers.Add(Caller.Header, caller);
        return request;
    }
}
