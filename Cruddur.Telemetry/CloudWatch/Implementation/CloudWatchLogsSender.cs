using Cruddur.Telemetry.Delivery;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// The one way a CloudWatch Logs stream is delivered to, for log records and EMF metrics alike: the shared
/// <see cref="SinkSender{TItem, TBatch}"/> with the PutLogEvents transport (SigV4, group and stream created on
/// ResourceNotFound) and batcher (the service's batch limits), from the options' endpoint, region and credentials.
/// </summary>
internal static class CloudWatchLogsSender
{
    public static SinkSender<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>> Create(
        CloudWatchLogsExporterOptions options, string logGroup, string logStream, TimeSpan shutdownTimeout,
        SinkMetrics metrics, SinkDiagnostics diagnostics)
    {
        var credentials = options.Credentials ?? AwsCredentialChain.Create();
        var client = new CloudWatchLogsClient(options.ResolveEndpoint(), options.Region!, credentials,
            options.TimeProvider, options.RequestTimeout, options.HttpMessageHandler);
        return new SinkSender<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>>(
            new SinkSenderOptions
            {
                QueueCapacity = options.MaxQueueSize,
                MaxAttempts = options.MaxAttempts,
                Backoff = options.Backoff,
                ShutdownTimeout = shutdownTimeout,
                TimeProvider = options.TimeProvider,
            },
            new CloudWatchLogsTransport(client, logGroup, logStream, credentials, options.RequestTimeout, diagnostics),
            new LogEventBatch(),
            metrics,
            diagnostics);
    }
}
