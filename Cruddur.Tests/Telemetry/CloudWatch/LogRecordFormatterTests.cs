using System.Diagnostics;
using System.Text.Json;
using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Tests.Telemetry.CloudWatch;

public partial class LogRecordFormatterTests
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Served {Count} activities to {Handle}")]
    private static partial void LogServed(ILogger logger, int count, string handle);

    [Fact]
    public void Message_is_one_json_object_with_every_field_and_the_trace_ids()
    {
        var (logger, exporter, factory) = FormattingExporter.Create("Cruddur.Grains.HomeTimelineGrain");
        using var disposeFactory = factory;
        using var source = new ActivitySource("Cruddur.Tests.Formatter");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);

        using var activity = source.StartActivity("request")!;
        var before = DateTimeOffset.UtcNow;
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestPath"] = "/api/activities/home" }))
        {
            LogServed(logger, 3, "andrewbrown");
        }

        var e = Assert.Single(exporter.Events);
        using var doc = JsonDocument.Parse(e.Message);
        var json = doc.RootElement;
        Assert.Equal("Warning", json.GetProperty("level").GetString());
        Assert.Equal("Cruddur.Grains.HomeTimelineGrain", json.GetProperty("category").GetString());
        Assert.Equal("Served 3 activities to andrewbrown", json.GetProperty("message").GetString());
        Assert.Equal("Served {Count} activities to {Handle}", json.GetProperty("template").GetString());
        Assert.Equal(3, json.GetProperty("state").GetProperty("Count").GetInt32());
        Assert.Equal("andrewbrown", json.GetProperty("state").GetProperty("Handle").GetString());
        Assert.Equal("/api/activities/home", json.GetProperty("scopes").GetProperty("RequestPath").GetString());
        Assert.Equal("cruddur-gateway", json.GetProperty("service").GetString());
        var traceId = activity.TraceId.ToHexString();
        Assert.Equal(traceId, json.GetProperty("trace_id").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), json.GetProperty("span_id").GetString());
        Assert.Equal($"1-{traceId[..8]}-{traceId[8..]}", json.GetProperty("xray_trace_id").GetString());
        var timestamp = DateTimeOffset.Parse(json.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(timestamp.ToUnixTimeMilliseconds(), e.Timestamp);
        Assert.False(json.TryGetProperty("truncated", out _));
    }

    [Fact]
    public void Exception_is_type_message_and_stack_and_no_trace_fields_outside_a_trace()
    {
        var (logger, exporter, factory) = FormattingExporter.Create("Cruddur.Grains.HomeTimelineGrain");
        using var disposeFactory = factory;
        System.Diagnostics.Activity.Current = null;
        try
        {
            throw new InvalidOperationException("grain fell over");
        }
        catch (InvalidOperationException ex)
        {
            logger.LogError(ex, "failed");
        }

        using var doc = JsonDocument.Parse(Assert.Single(exporter.Events).Message);
        var exception = doc.RootElement.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("grain fell over", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(Exception_is_type_message_and_stack_and_no_trace_fields_outside_a_trace), exception.GetProperty("stack").GetString());
        Assert.False(doc.RootElement.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public void An_oversize_record_stays_valid_json_within_the_limit_with_a_marker()
    {
        var (logger, exporter, factory) = FormattingExporter.Create("Cruddur.Grains.HomeTimelineGrain");
        using var disposeFactory = factory;
        var big = new string('x', 400_000);
        logger.LogInformation("payload {Payload} end", big);

        var e = Assert.Single(exporter.Events);
        Assert.True(e.Utf8Bytes <= CloudWatchLimits.MaxMessageBytes, $"{e.Utf8Bytes} bytes");
        Assert.True(e.Utf8Bytes > CloudWatchLimits.MaxMessageBytes - 1000, "truncation keeps as much as fits");
        using var doc = JsonDocument.Parse(e.Message);
        Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
        Assert.EndsWith(CloudWatchLimits.TruncationMarker, doc.RootElement.GetProperty("message").GetString());
        Assert.Equal("Information", doc.RootElement.GetProperty("level").GetString());
    }
}
