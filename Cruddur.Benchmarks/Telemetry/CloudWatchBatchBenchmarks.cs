using BenchmarkDotNet.Attributes;
using Cruddur.Telemetry.CloudWatch;

namespace Cruddur.Benchmarks.Telemetry;

/// <summary>
/// PutLogEvents batch assembly over 1,000 formatted events (about 420 bytes each, in logging order with a few out
/// of order): <see cref="LogEventBatch.TryAdd"/> for each, <see cref="LogEventBatch.Seal"/> (chronological order,
/// 24 h cut), and the JSON 1.1 request body (<see cref="CloudWatchLogsClient.PutLogEventsBody"/>).
/// Per-event cost = the result / 1,000.
/// </summary>
[MemoryDiagnoser]
public class CloudWatchBatchBenchmarks
{
    [Params(1000)]
    public int Events { get; set; }

    private CloudWatchLogEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _events = new CloudWatchLogEvent[Events];
        for (var i = 0; i < Events; i++)
        {
            var timestamp = start + i - (i % 50 == 49 ? 3 : 0);
            var message = "{\"timestamp\":\"2026-11-28T14:00:00.125Z\",\"level\":\"Information\",\"category\":\"Cruddur.Grains.HomeTimelineGrain\","
                + "\"message\":\"Served 3 activities to andrewbrown on /api/activities/home\",\"template\":\"Served {Count} activities to {Handle} on {Path}\","
                + $"\"event_id\":{i},\"state\":{{\"Count\":3,\"Handle\":\"andrewbrown\",\"Path\":\"/api/activities/home\"}},"
                + "\"scopes\":{\"RequestPath\":\"/api/activities/home\"},\"service\":\"cruddur-silo\","
                + "\"trace_id\":\"4efaaf4d1e8720b39541901950019ee5\",\"span_id\":\"53995c3f42cd8ad8\",\"xray_trace_id\":\"1-4efaaf4d-1e8720b39541901950019ee5\"}";
            _events[i] = LogRecordFormatter.Create(timestamp, message);
        }
    }

    [Benchmark(Description = "TryAdd x N + Seal")]
    public int AddAndSeal()
    {
        var batch = new LogEventBatch();
        foreach (var e in _events)
        {
            if (!batch.TryAdd(e))
            {
                throw new InvalidOperationException("the batch should hold every event");
            }
        }

        return batch.Seal().Count + batch.Count;
    }

    [Benchmark(Description = "TryAdd x N + Seal + PutLogEvents body")]
    public int AddSealAndBody()
    {
        var batch = new LogEventBatch();
        foreach (var e in _events)
        {
            batch.TryAdd(e);
        }

        batch.Seal();
        return CloudWatchLogsClient.PutLogEventsBody("cruddur", "cruddur-silo/bench", batch.Events).Length;
    }
}
