using Cruddur.Telemetry.Rollbar;
using Cruddur.Tests.Fakes;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Rollbar;

/// <summary>
/// A direct report (the exception handler, the grain call filter, <c>/rollbar/test</c>) only captures and enqueues on
/// the caller's thread: the item's stack parsing, scrubbing and serialization happen on the sender's loop.
/// </summary>
public sealed class RollbarOffRequestPathTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>True on the caller's thread while it is inside <see cref="IRollbarNotifier.Report"/>.</summary>
    [ThreadStatic]
    private static bool t_insideReport;

    [Fact]
    public async Task Report_returns_before_the_stack_is_read_and_the_item_is_built_on_the_senders_loop()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        await using var notifier = Notifier(Options(server.Endpoint));
        var exception = (StackWatchingException)Thrown(() => new StackWatchingException("built on the loop"));
        var request = new RollbarRequest
        {
            Url = "http://example.test/api/activities/home?token=secret-value",
            Method = "GET",
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer secret-value", ["Accept"] = "application/json" },
            QueryString = "?token=secret-value",
        };

        t_insideReport = true;
        string? uuid;
        try
        {
            uuid = ((IRollbarNotifier)notifier).Report(exception, RollbarLevel.Error, request);
        }
        finally
        {
            t_insideReport = false;
        }

        Assert.NotNull(uuid);
        Assert.False(await exception.StackReadInsideReport.Task.WaitAsync(Wait), "the stack was parsed on the caller's thread");

        // The wire is what it was: the same item, stack frames, and the request scrubbed.
        var item = Assert.Single(await server.WaitForRequestsAsync(1, Wait));
        Assert.Equal(uuid, item.Uuid);
        Assert.Contains(nameof(StackWatchingException), item.Body);
        Assert.Contains("\"frames\"", item.Body);
        Assert.Contains("application/json", item.Body);
        Assert.DoesNotContain("secret-value", item.Body);
    }

    /// <summary>Says, when its stack trace is first read, whether that happened inside the caller's Report.</summary>
    private sealed class StackWatchingException(string message) : Exception(message)
    {
        public TaskCompletionSource<bool> StackReadInsideReport { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override string? StackTrace
        {
            get
            {
                StackReadInsideReport.TrySetResult(t_insideReport);
                return base.StackTrace;
            }
        }
    }
}
