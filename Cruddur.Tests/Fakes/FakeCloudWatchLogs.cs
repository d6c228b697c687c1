using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Tests.Fakes;

/// <summary>
/// A CloudWatch Logs endpoint the test owns, on 127.0.0.1 (Kestrel, random port). By default it behaves like the
/// service (groups and streams must exist; PutLogEvents stores events); <see cref="Respond"/> scripts faults.
/// </summary>
public sealed class FakeCloudWatchLogs : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeCloudWatchRequest> _arrivals = Channel.CreateUnbounded<FakeCloudWatchRequest>();
    private int _count;

    public sealed record Reply(int Status, string Body)
    {
        public static Reply Error(int status, string code, string message = "fault injected by the test") =>
            new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message }));

        /// <summary>Never answers (until the client gives up or the fake is disposed).</summary>
        public static Reply Hang { get; } = new(-1, string.Empty);
    }

    private FakeCloudWatchLogs(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Scripted answer for a request (null: behave like the service).</summary>
    public Func<FakeCloudWatchRequest, Reply?>? Respond { get; set; }

    public ConcurrentQueue<FakeCloudWatchRequest> Requests { get; } = new();

    /// <summary>group → stream → messages, in arrival order.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, List<(long Timestamp, string Message)>>> Groups { get; } = new();

    public IEnumerable<string> StoredMessages => Groups.Values.SelectMany(g => g.Values).SelectMany(s => { lock (s) { return s.Select(e => e.Message).ToList(); } });

    /// <summary>The messages of the log streams, without the <c>…-metrics</c> streams' EMF events.</summary>
    public IEnumerable<string> LogMessages => Groups.Values.SelectMany(g => g.Where(s => !s.Key.EndsWith("-metrics", StringComparison.Ordinal)).Select(s => s.Value))
        .SelectMany(s => { lock (s) { return s.Select(e => e.Message).ToList(); } });

    public static async Task<FakeCloudWatchLogs> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeCloudWatchLogs(app);
        app.MapPost("/", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Endpoint = new Uri(address + "/");
        return fake;
    }

    /// <summary>Waits for the next request to arrive (an event, not a sleep); null after <paramref name="timeout"/>.</summary>
    public async Task<FakeCloudWatchRequest?> NextRequestAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _arrivals.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void CreateGroup(string group) => Groups.TryAdd(group, new());

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = new FakeCloudWatchRequest(
            Interlocked.Increment(ref _count),
            context.Request.Headers["X-Amz-Target"].ToString(),
            context.Request.ContentType ?? string.Empty,
            context.Request.Headers.Authorization.ToString(),
            body);
        Requests.Enqueue(request);
        _arrivals.Writer.TryWrite(request);

        var reply = Respond?.Invoke(request) ?? Behave(request);
        if (reply.Status < 0)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(reply.Body);
    }

    private Reply Behave(FakeCloudWatchRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var root = doc.RootElement;
        var group = root.GetProperty("logGroupName").GetString()!;
        switch (request.Operation)
        {
            case "CreateLogGroup":
                return Groups.TryAdd(group, new()) ? new(200, "{}") : Reply.Error(400, "ResourceAlreadyExistsException", "group exists");
            case "CreateLogStream":
                if (!Groups.TryGetValue(group, out var streams))
                {
                    return Reply.Error(400, "ResourceNotFoundException", "group missing");
                }

                return streams.TryAdd(root.GetProperty("logStreamName").GetString()!, [])
                    ? new(200, "{}")
                    : Reply.Error(400, "ResourceAlreadyExistsException", "stream exists");
            case "PutLogEvents":
                if (!Groups.TryGetValue(group, out var s) || !s.TryGetValue(root.GetProperty("logStreamName").GetString()!, out var events))
                {
                    return Reply.Error(400, "ResourceNotFoundException", "The specified log stream does not exist.");
                }

                lock (events)
                {
                    foreach (var e in root.GetProperty("logEvents").EnumerateArray())
                    {
                        events.Add((e.GetProperty("timestamp").GetInt64(), e.GetProperty("message").GetString()!));
                    }
                }

                return new(200, "{\"nextSequenceToken\":\"1\"}");
            default:
                return Reply.Error(400, "UnknownOperationException", request.Operation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _arrivals.Writer.TryComplete();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

public sealed record FakeCloudWatchRequest(int Index, string Target, string ContentType, string Authorization, string Body)
{
    public string Operation => Target.StartsWith("Logs_20140328.", StringComparison.Ordinal) ? Target["Logs_20140328.".Length..] : Target;

    public int EventCount => Operation == "PutLogEvents"
        ? JsonDocument.Parse(Body).RootElement.GetProperty("logEvents").GetArrayLength()
        : 0;
}
