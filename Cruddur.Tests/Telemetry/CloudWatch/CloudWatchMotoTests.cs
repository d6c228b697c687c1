using System.Diagnostics;
using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>The exporter, as the SDK runs it (batch processor), against moto_server; read back with GetLogEvents.</summary>
public sealed class CloudWatchMotoTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task Logged_lines_arrive_in_their_own_stream_with_the_trace_ids_after_shutdown()
    {
        var group = "cruddur-it-" + Guid.NewGuid().ToString("n")[..8];
        var options = new CloudWatchLogsExporterOptions
        {
            LogGroupName = group,
            Region = "us-east-1",
            Endpoint = moto.Endpoint,
            ServiceName = "cruddur-silo",
            Credentials = _ => ValueTask.FromResult(CloudWatchTestSink.ExampleCredentials),
        };
        string stream;
        string traceId;
        using var source = new ActivitySource("Cruddur.Tests.Moto");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);

        var processor = CloudWatchLogsExporterExtensions.CreateProcessor(new CloudWatchLogsExporter(options), options);
        using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.AddProcessor(processor);
        })))
        {
            var logger = factory.CreateLogger("Cruddur.Grains.HomeTimelineGrain");
            using (var activity = source.StartActivity("request")!)
            {
                traceId = activity.TraceId.ToHexString();
                logger.LogInformation("HomeActivities");
                logger.LogWarning("{Count} results for {Handle}", 3, "andrewbrown");
            }

            logger.LogInformation("outside any trace");
        } // disposing the provider = the host's shutdown: flush within the deadline

        stream = Assert.Single(await moto.StreamsAsync(group));
        Assert.Matches($"^cruddur-silo/{Environment.MachineName}/{Environment.ProcessId}-[0-9a-f]{{8}}$", stream);
        var events = await moto.ReadAsync(group, stream);
        Assert.Equal(["HomeActivities", "3 results for andrewbrown", "outside any trace"], events.Select(e => e.GetProperty("message").GetString()));
        Assert.All(events.Take(2), e =>
        {
            Assert.Equal(traceId, e.GetProperty("trace_id").GetString());
            Assert.Equal($"1-{traceId[..8]}-{traceId[8..]}", e.GetProperty("xray_trace_id").GetString());
            Assert.Equal("cruddur-silo", e.GetProperty("service").GetString());
        });
        Assert.Equal("andrewbrown", events[1].GetProperty("state").GetProperty("Handle").GetString());
        Assert.False(events[2].TryGetProperty("trace_id", out _));
    }
}
