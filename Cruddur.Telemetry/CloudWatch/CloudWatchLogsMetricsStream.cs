using Cruddur.Telemetry.Delivery;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// The metrics stream, delivered exactly as the logs are: the shared <see cref="SinkSender{TItem, TBatch}"/> with the
/// CloudWatch Logs transport and batcher (PutLogEvents limits, group and stream created on ResourceNotFound, retries,
/// bounded queue, shutdown flush), to its own stream, counted as sink <c>cloudwatch_metrics</c>.
/// </summary>
internal sealed class CloudWatchLogsMetricsStream : IMetricsLogStream
{
    private readonly SinkSender<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>> _sender;

    public CloudWatchLogsMetricsStream(CloudWatchLogsExporterOptions options, TimeSpan shutdownTimeout, SinkMetrics metrics, SinkDiagnostics diagnostics)
    {
        LogGroup = options.LogGroupName ?? throw new ArgumentException("LogGroupName is required.", nameof(options));
        LogStream = options.LogStreamName ?? CloudWatchMetricsExporterOptions.DefaultStreamName(options.ServiceName);
        _sender = CloudWatchLogsSender.Create(options, LogGroup, LogStream, shutdownTimeout, metrics, diagnostics);
    }

    public string LogGroup { get; }
    public string LogStream { get; }
    public SinkMetrics Metrics => _sender.Metrics;

    public bool Enqueue(CloudWatchLogEvent e) => _sender.TryEnqueue(e);

    public bool ForceFlush(int timeoutMilliseconds) => _sender.Flush(ExporterTimeout.From(timeoutMilliseconds));

    public bool Shutdown(int timeoutMilliseconds) => _sender.Shutdown(ExporterTimeout.From(timeoutMilliseconds));

    public void Dispose() => _sender.Dispose();
}
