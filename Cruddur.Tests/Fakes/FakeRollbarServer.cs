using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cruddur.Tests.Fakes;

/// <summary>
/// A Rollbar items API the test owns, on 127.0.0.1 and a free port. It records every request (arrival time from the
/// given clock, headers, body, parsed item) and answers from a script of responses, then 200 <c>{"err":0}</c>.
/// Tests wait for requests with <see cref="WaitForRequestsAsync"/>, never by sleeping.
/// </summary>
public sealed class FakeRollbarServer : IAsyncDisposable
{
    public const string ItemPath = "/api/1/item/";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private readonly List<CapturedRollbarRequest> _requests = [];
    private readonly Queue<FakeRollbarResponse> _script = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    private FakeRollbarServer(WebApplication app, TimeProvider clock)
    {
        _app = app;
        _clock = clock;
    }

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<CapturedRollbarRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The <c>data</c> objects of every item received.</summary>
    public IReadOnlyList<JsonObject> Items => [.. Requests.Select(r => r.Data).OfType<JsonObject>()];

    public static async Task<FakeRollbarServer> StartAsync(TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeRollbarServer(app, clock ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(new Uri(app.Urls.First()), ItemPath);
        return server;
    }

    /// <summary>The next requests get these answers, in order; after them, 200.</summary>
    public void Script(params FakeRollbarResponse[] responses)
    {
        lock (_gate)
        {
            foreach (var response in responses)
            {
                _script.Enqueue(response);
            }
        }
    }

    public async Task<IReadOnlyList<CapturedRollbarRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return [.. _requests];
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }

        await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return Requests;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        FakeRollbarResponse response;
        lock (_gate)
        {
            response = _script.Count > 0 ? _script.Dequeue() : FakeRollbarResponse.Ok;
            _requests.Add(new CapturedRollbarRequest(_clock.GetUtcNow(), context.Request.Method, context.Request.Path, headers, body, json));
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.Body ?? (response.Status < 300 ? "{\"err\":0,\"result\":{}}" : "{\"err\":1,\"message\":\"fake\"}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record CapturedRollbarRequest(
    DateTimeOffset ReceivedAt, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, JsonNode? Json)
{
    public JsonObject? Data => Json?["data"] as JsonObject;
    public string? Uuid => Data?["uuid"]?.GetValue<string>();
    public string? Level => Data?["level"]?.GetValue<string>();
}

public sealed record FakeRollbarResponse(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null)
{
    public static FakeRollbarResponse Ok { get; } = new(200);
}
