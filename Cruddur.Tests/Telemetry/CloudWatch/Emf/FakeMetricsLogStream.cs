using System.Collections.Concurrent;
using System.Text.Json;
using Cruddur.Telemetry;
using Cruddur.Telemetry.CloudWatch;

namespace Cruddur.Tests.Telemetry.CloudWatch.Emf;

/// <summary>Keeps what the metrics exporter enqueues, parsed.</summary>
internal sealed class FakeMetricsLogStream : IMetricsLogStream
{
    public ConcurrentQueue<CloudWatchLogEvent> Events { get; } = new();

    public string LogGroup => "cruddur";
    public string LogStream => "test-metrics";
    public SinkMetrics Metrics { get; } = new("cloudwatch_metrics_test");

    public List<JsonElement> Documents => Events.Select(e => JsonDocument.Parse(e.Message).RootElement.Clone()).ToList();

    public bool Enqueue(CloudWatchLogEvent e)
    {
        Events.Enqueue(e);
        return true;
    }

    public bool ForceFlush(int timeoutMilliseconds) => true;

    public bool Shutdown(int timeoutMilliseconds) => true;

    public void Dispose()
    {
    }
}
