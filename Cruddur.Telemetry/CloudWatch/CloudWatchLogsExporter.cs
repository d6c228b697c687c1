using Cruddur.Telemetry.Delivery;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// OpenTelemetry log exporter for CloudWatch Logs. <see cref="Export"/> only converts each (pooled) LogRecord into
/// a JSON event and enqueues it; delivery happens on the sink's <see cref="SinkSender{TItem, TBatch}"/> loop.
/// </summary>
public sealed class CloudWatchLogsExporter : BaseExporter<LogRecord>
{
    private readonly LogRecordFormatter _formatter;
    private readonly SinkSender<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>> _sender;
    private readonly SinkDiagnostics _diagnostics;

    public CloudWatchLogsExporter(CloudWatchLogsExporterOptions options)
        : this(options, null, null)
    {
    }

    internal CloudWatchLogsExporter(CloudWatchLogsExporterOptions options, SinkMetrics? metrics, SinkDiagnostics? diagnostics)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsEnabled)
        {
            throw new ArgumentException($"{nameof(options.LogGroupName)} is required.", nameof(options));
        }

        if (CloudWatchLogsExporterOptionsValidator.Problems(options).FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _diagnostics = diagnostics ?? SinkDiagnostics.Default;
        _formatter = new LogRecordFormatter(options.ServiceName);
        LogGroupName = options.LogGroupName!;
        LogStreamName = options.LogStreamName ?? CloudWatchLogsExporterOptions.DefaultStreamName(options.ServiceName);
        _sender = CloudWatchLogsSender.Create(options, LogGroupName, LogStreamName, options.ShutdownTimeout,
            metrics ?? new SinkMetrics(CloudWatchLogsTransport.Sink), _diagnostics);
    }

    public string LogGroupName { get; }

    public string LogStreamName { get; }

    internal SinkMetrics Metrics => _sender.Metrics;

    internal SinkSender<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>> Sender => _sender;

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

                if (!_sender.TryEnqueue(e))
                {
                    result = ExportResult.Failure;
                }
            }
            catch (Exception ex)
            {
                // A record we can't format must not take the others (or the app) down with it.
                _sender.Metrics.AddDropped(DropReason.FormatFailed);
                _diagnostics.ReportOnce(CloudWatchLogsTransport.Sink, "format:" + ex.GetType().Name,
                    $"could not format a log record ({ex.GetType().Name}: {ex.Message}); it is dropped and counted.");
            }
        }

        return result;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => _sender.Flush(ExporterTimeout.From(timeoutMilliseconds));

    protected override bool OnShutdown(int timeoutMilliseconds) => _sender.Shutdown(ExporterTimeout.From(timeoutMilliseconds));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sender.Dispose();
        }

        base.Dispose(disposing);
    }
}
