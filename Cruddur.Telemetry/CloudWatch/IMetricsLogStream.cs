namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// Where <see cref="CloudWatchMetricsExporter"/> puts its EMF events: a log stream delivered in the background.
/// Never blocks in <see cref="Enqueue"/>.
/// </summary>
internal interface IMetricsLogStream : IDisposable
{
    string LogGroup { get; }
    string LogStream { get; }
    SinkMetrics Metrics { get; }
    bool Enqueue(CloudWatchLogEvent e);
    bool ForceFlush(int timeoutMilliseconds);
    bool Shutdown(int timeoutMilliseconds);
}
