using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Cruddur.Telemetry;
using Cruddur.Telemetry.Rollbar;
using Cruddur.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Rollbar;

/// <summary>Delivery against a fake Rollbar on 127.0.0.1, driven by a FakeTimeProvider and events: no sleeps.</summary>
public sealed class RollbarDeliveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Delivers_one_item_with_the_token_only_in_the_header()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        await using var notifier = Notifier(Options(server.Endpoint));

        var uuid = notifier.Message($"the token {FakeToken} must not travel in a body", RollbarLevel.Warning);

        var requests = await server.WaitForRequestsAsync(1, Wait);
        var request = Assert.Single(requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(FakeRollbarServer.ItemPath, request.Path);
        Assert.Equal(FakeToken, request.Headers[RollbarTransport.TokenHeader]);
        Assert.DoesNotContain(FakeToken, request.Body);
        Assert.Equal(uuid, request.Uuid);
        Assert.Equal("warning", request.Level);
        Assert.True(await notifier.Sender!.FlushAsync(Wait));
        Assert.Equal(1, notifier.Sender.Metrics.Exported);
    }

    [Fact]
    public async Task Status_429_pauses_sending_until_the_reset_time_then_resumes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await FakeRollbarServer.StartAsync(clock);
        var reset = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().AddSeconds(30).ToUnixTimeSeconds());
        server.Script(new FakeRollbarResponse(429, new Dictionary<string, string>
        {
            ["X-Rate-Limit-Limit"] = "5000",
            ["X-Rate-Limit-Remaining"] = "0",
            ["X-Rate-Limit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["X-Rate-Limit-Remaining-Seconds"] = "30",
        }));
        await using var notifier = Notifier(Options(server.Endpoint), clock);
        var sender = notifier.Sender!;
        var waiting = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.WaitingUntil += until => waiting.TrySetResult(until);

        var first = notifier.Message("first", RollbarLevel.Error);
        await server.WaitForRequestsAsync(1, Wait);
        var pausedUntil = await waiting.Task.WaitAsync(Wait);
        var second = notifier.Message("second", RollbarLevel.Error);

        Assert.Equal(reset, pausedUntil);
        Assert.Equal(reset, sender.PausedUntil);
        Assert.Single(server.Requests);

        clock.Advance(TimeSpan.FromSeconds(31));
        var requests = await server.WaitForRequestsAsync(3, Wait);

        Assert.Equal([first, first, second], requests.Select(r => r.Uuid));
        Assert.All(requests.Skip(1), r => Assert.True(r.ReceivedAt >= reset, $"sent at {r.ReceivedAt:O}, before the reset {reset:O}"));
        Assert.True(await sender.FlushAsync(Wait));
        Assert.Equal(2, sender.Metrics.Exported);
        Assert.Equal(1, sender.Metrics.Retried);
        Assert.Equal(0, sender.Metrics.Dropped);
    }

    [Fact]
    public async Task Status_500_is_retried_with_exponential_backoff_and_the_same_uuid()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var start = clock.GetUtcNow();
        await using var server = await FakeRollbarServer.StartAsync(clock);
        server.Script(new FakeRollbarResponse(500), new FakeRollbarResponse(503));
        await using var notifier = Notifier(Options(server.Endpoint), clock);
        var waits = new List<DateTimeOffset>();
        notifier.Sender!.WaitingUntil += until =>
        {
            lock (waits)
            {
                waits.Add(until);
            }

            clock.SetUtcNow(until); // the back-off timer exists: let it elapse
        };

        var uuid = notifier.Message("flaky", RollbarLevel.Error);
        var requests = await server.WaitForRequestsAsync(3, Wait);

        Assert.Equal([uuid, uuid, uuid], requests.Select(r => r.Uuid));
        Assert.True(await notifier.Sender.FlushAsync(Wait));
        Assert.Equal(1, notifier.Sender.Metrics.Exported);
        Assert.Equal(2, notifier.Sender.Metrics.Retried);
        // Backoff base 1 s with jitter pinned at its maximum: 1 s, then 2 s more.
        Assert.Equal([start.AddSeconds(1), start.AddSeconds(3)], waits);
        Assert.Equal(requests[1].ReceivedAt, start.AddSeconds(1));
        Assert.Equal(requests[2].ReceivedAt, start.AddSeconds(3));
    }

    [Fact]
    public async Task Status_403_is_reported_once_on_stderr_and_not_retried()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        server.Script(new FakeRollbarResponse(403, Body: "{\"err\":1,\"message\":\"invalid access token\"}"),
            new FakeRollbarResponse(403, Body: "{\"err\":1,\"message\":\"invalid access token\"}"));
        var stderr = new StringWriter();
        {
            await using var notifier = Notifier(Options(server.Endpoint), diagnostics: new SinkDiagnostics(TextWriter.Synchronized(stderr)));
            notifier.Message("one", RollbarLevel.Error);
            notifier.Message("two", RollbarLevel.Error);
            await server.WaitForRequestsAsync(2, Wait);
            Assert.True(await notifier.Sender!.FlushAsync(Wait));

            Assert.Equal(2, server.Requests.Count); // one request per item: no retries
            Assert.Equal(2, notifier.Sender.Metrics.Dropped);
            Assert.Equal(0, notifier.Sender.Metrics.Retried);
            var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines, l => l.Contains("HTTP 403"));
            Assert.Contains("ROLLBAR_ACCESS_TOKEN", line);
            Assert.DoesNotContain(FakeToken, stderr.ToString());
        }
    }

    [Fact]
    public async Task Endpoint_down_leaves_callers_unaffected_and_counts_every_dropped_item()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var deadEndpoint = new Uri($"http://127.0.0.1:{UnusedPort()}/api/1/item/");
        var notifier = Notifier(Options(deadEndpoint, o => { o.QueueCapacity = 4; o.MaxAttempts = 3; }), clock);
        var sender = notifier.Sender!;
        var firstFailure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.WaitingUntil += _ => firstFailure.TrySetResult();

        notifier.Message("first", RollbarLevel.Error);
        await firstFailure.Task.WaitAsync(Wait); // the first item failed to connect and now waits to retry

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 19; i++)
        {
            Assert.NotNull(notifier.Report(new InvalidOperationException($"boom {i}")));
        }

        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"19 reports took {stopwatch.Elapsed}");
        Assert.Equal(4, sender.QueueLength);
        Assert.Equal(15, sender.Metrics.Dropped); // 19 more into a queue of 4: the 15 oldest dropped

        var shutdown = sender.ShutdownAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));
        await shutdown.WaitAsync(Wait); // never hangs on a dead endpoint

        Assert.Equal(20, sender.Metrics.Dropped);
        Assert.Equal(0, sender.Metrics.Exported);
        Assert.Null(notifier.Message("after shutdown", RollbarLevel.Error));
    }

    [Fact]
    public async Task Same_exception_is_reported_once()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        await using var notifier = Notifier(Options(server.Endpoint));
        var exception = Thrown(() => new InvalidOperationException("once"));

        var uuid = notifier.Report(exception);
        Assert.Null(notifier.Report(exception));

        Assert.NotNull(uuid);
        Assert.Equal(uuid, RollbarReportedMarker.ItemUuid(exception));
        Assert.True(await notifier.Sender!.FlushAsync(Wait));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Without_a_token_nothing_is_sent_and_nothing_fails()
    {
        await using var notifier = Notifier(Options(configure: o => o.AccessToken = null));
        Assert.False(notifier.Enabled);
        Assert.Null(notifier.Message("x", RollbarLevel.Warning));
        Assert.Null(notifier.Report(new InvalidOperationException("x")));
        Assert.True(notifier.Flush(TimeSpan.FromSeconds(1)));
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
