using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cruddur.Telemetry;
using Cruddur.Telemetry.Rollbar;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Telemetry.CloudWatch;
using Cruddur.Tests.Telemetry.XRay;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Delivery;

/// <summary>An item handed to a sink after its shutdown is not sent, and is counted as dropped exactly once, in every sink.</summary>
public sealed class PostShutdownDropTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CloudWatch_counts_a_log_event_after_shutdown_once()
    {
        await using var fake = await FakeCloudWatchLogs.StartAsync();
        using var sink = new CloudWatchTestSink(fake.Endpoint);
        sink.Logger.LogInformation("before");
        Assert.True(await sink.FlushAsync(Patience));
        Assert.True(sink.Exporter.Shutdown(5000));
        var puts = fake.Requests.Count;

        sink.Logger.LogInformation("after shutdown");

        Assert.Equal(1, sink.Exporter.Metrics.Dropped);
        Assert.Equal(1, sink.Exporter.Metrics.Exported);
        Assert.Equal(puts, fake.Requests.Count);
    }

    [Fact]
    public async Task Rollbar_counts_an_item_after_shutdown_once()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        await using var notifier = Notifier(Options(server.Endpoint));
        notifier.Message("before", RollbarLevel.Error);
        Assert.True(await notifier.Sender!.ShutdownAsync(Patience));

        Assert.Null(notifier.Message("after shutdown", RollbarLevel.Error));

        Assert.Equal(1, notifier.Sender.Metrics.Dropped);
        Assert.Equal(1, notifier.Sender.Metrics.Exported);
        Assert.Single(server.Requests);
    }

    [Fact]
    public void XRay_counts_a_span_after_shutdown_once_and_sends_nothing()
    {
        using var daemon = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)daemon.Client.LocalEndPoint!).Port;
        var options = XRayTestSpans.Options(o => { o.DaemonAddress = $"127.0.0.1:{port}"; o.DropTraceIdsXRayRefuses = false; });
        var metrics = new SinkMetrics("xray-shutdown-test");
        using var exporter = new XRayExporter(options, metrics);
        Assert.True(exporter.Shutdown(1000));

        var span = XRayTestSpans.Span("GET /api/activities/home", ActivityKind.Server, root: true);
        var result = exporter.Export(new Batch<Activity>([span], 1));

        Assert.Equal(ExportResult.Failure, result);
        Assert.Equal(1, metrics.Dropped);
        Assert.Equal(0, metrics.Exported);
        Assert.Equal(0, daemon.Available);
    }
}
