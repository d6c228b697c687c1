using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// OpenTelemetry log exporter for CloudWatch Logs. <see cref="Export"/> only converts each (pooled) LogRecord into
/// a JSON event and enqueues it; delivery happens on the <see cref="CloudWatchLogsSender"/>'s background loop.
/// </summary>
public sealed class CloudWatchLogsExporter : BaseExporter<LogRecord>
{
    private readonly LogRecordFormatter _formatter;
    private readonly CloudWatchLogsSender _sender;

    public CloudWatchLogsExporter(CloudWatchLogsExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsEnabled)
        {
            throw new ArgumentException($"{nameof(options.LogGroupName)} is required.", nameof(options));
        }

        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        options.Credentials ??= AwsCredentialChain.Create();
        _formatter = new LogRecordFormatter(options.ServiceName);
        var client = new CloudWatchLogsClient(options.ResolveEndpoint(), options.Region!, options.Credentials,
            options.TimeProvider, options.RequestTimeout, options.HttpMessageHandler);
        _sender = new CloudWatchLogsSender(options, client);
    }

    public string LogGroupName => _sender.LogGroup;
    public string LogStreamName => _sender.LogStream;
    public SinkMetrics Metrics => _sender.Metrics;

    internal CloudWatchLogsSender Sender => _sender;

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        var result = ExportResult.Success;
        foreach (var record in batch)
        {
            try
            {
                var e = _formatter.Format(record, out var trimmed);
                if (trimmed)
                {
                    _sender.Metrics.AddTrimmed();
                }

                if (!_sender.Enqueue(e))
                {
                    result = ExportResult.Failure;
                }
            }
            catch (Exception ex)
            {
                // A record we can't format must not take the others (or the app) down with it.
                _sender.Metrics.AddDropped("format_failed");
                SinkDiagnostics.ReportOnce(CloudWatchLogsSender.SinkName, "format:" + ex.GetType().Name,
                    $"could not format a log record ({ex.GetType().Name}: {ex.Message}); it is dropped and counted.");
            }
        }

        return result;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => _sender.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => _sender.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sender.Dispose();
        }

        base.Dispose(disposing);
    }
}
