namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// The metrics stream delivered by the same PutLogEvents sender as the logs (<see cref="CloudWatchLogsSender"/>):
/// batching, group and stream creation, retries, bounded queue and shutdown flush, counted under sink
/// <c>cloudwatch_metrics</c>.
/// </summary>
internal sealed class CloudWatchLogsMetricsStream : IMetricsLogStream
{
    private readonly CloudWatchLogsSender _sender;

    public CloudWatchLogsMetricsStream(CloudWatchLogsExporterOptions options)
    {
        options.Credentials ??= AwsCredentialChain.Create();
        var client = new CloudWatchLogsClient(options.ResolveEndpoint(), options.Region!, options.Credentials,
            options.TimeProvider, options.RequestTimeout, options.HttpMessageHandler);
        CloudWatchLogsSender? sender = null;
        var metrics = new SinkMetrics(CloudWatchMetricsExporterOptions.SinkName, () => sender?.Queue.Count ?? 0);
        _sender = sender = new CloudWatchLogsSender(options, client, metrics);
    }

    public string LogGroup => _sender.LogGroup;
    public string LogStream => _sender.LogStream;
    public SinkMetrics Metrics => _sender.Metrics;

    public bool Enqueue(CloudWatchLogEvent e) => _sender.Enqueue(e);

    public bool ForceFlush(int timeoutMilliseconds) => _sender.ForceFlush(timeoutMilliseconds);

    public bool Shutdown(int timeoutMilliseconds) => _sender.Shutdown(timeoutMilliseconds);

    public void Dispose() => _sender.Dispose();
}
