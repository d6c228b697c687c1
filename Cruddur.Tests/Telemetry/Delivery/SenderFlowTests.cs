using System.Collections.Concurrent;
using System.Diagnostics;
using Cruddur.Telemetry.Rollbar;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Delivery;

/// <summary>
/// A sink created inside a request (a lazily resolved singleton is) must not make its own HTTP calls children of that
/// request: its delivery loop starts without the creator's ExecutionContext and without a current Activity. An
/// ActivityListener on every source sees what HttpClient (and the fake's ASP.NET Core) would create under it.
/// </summary>
/// <remarks>Not parallel: the listener makes every HttpClient in the process create activities.</remarks>
[Collection(InProcessTelemetryHost.Name)]
public sealed class SenderFlowTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ActivitySource _source = new("Cruddur.Tests.SenderFlow");
    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ActivityListener _listener;

    public SenderFlowTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _started.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    [Fact]
    public async Task A_CloudWatch_sender_created_inside_a_request_span_makes_no_children_of_it()
    {
        await using var fake = await FakeCloudWatchLogs.StartAsync();
        CloudWatchTestSink sink;
        ActivityTraceId requestTrace;
        using (var request = _source.StartActivity("GET /api/activities/home", ActivityKind.Server)!)
        {
            requestTrace = request.TraceId;
            sink = new CloudWatchTestSink(fake.Endpoint);
        }

        using (sink)
        {
            sink.Logger.LogInformation("delivered from the loop");
            Assert.True(await sink.FlushAsync(Patience));
        }

        Assert.NotEmpty(fake.StoredMessages);
        AssertNoChildrenOf(requestTrace);
    }

    [Fact]
    public async Task A_Rollbar_sender_created_inside_a_request_span_makes_no_children_of_it()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        RollbarNotifier notifier;
        ActivityTraceId requestTrace;
        using (var request = _source.StartActivity("GET /api/activities/home", ActivityKind.Server)!)
        {
            requestTrace = request.TraceId;
            notifier = Notifier(Options(server.Endpoint));
        }

        await using (notifier)
        {
            notifier.Message("delivered from the loop", RollbarLevel.Error);
            await server.WaitForRequestsAsync(1, Patience);
            Assert.True(await notifier.Sender!.FlushAsync(Patience));
        }

        AssertNoChildrenOf(requestTrace);
    }

    private void AssertNoChildrenOf(ActivityTraceId requestTrace)
    {
        Assert.Contains(_started, a => a.Source.Name == "System.Net.Http"); // the listener did see the sink's request
        var children = _started.Where(a => a.TraceId == requestTrace && a.Source != _source).Select(a => $"{a.Source.Name}: {a.DisplayName}").ToList();
        Assert.True(children.Count == 0, "spans in the request's trace: " + string.Join(", ", children));
    }
}
