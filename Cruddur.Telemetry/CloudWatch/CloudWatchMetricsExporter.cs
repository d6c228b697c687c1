using Cruddur.Telemetry.CloudWatch.Emf;
using Cruddur.Telemetry.Delivery;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// OpenTelemetry metric exporter for CloudWatch Metrics through CloudWatch Logs: each collection (a
/// <see cref="PeriodicExportingMetricReader"/> every <see cref="CloudWatchMetricsExporterOptions.Interval"/>) becomes
/// Embedded Metric Format events (<see cref="EmfDocumentBuilder"/>) of <see cref="EmfAllowList"/>'s metrics, put on
/// the metrics log stream; CloudWatch extracts the metrics from them. No agent, no PutMetricData permission.
/// </summary>
public sealed class CloudWatchMetricsExporter : BaseExporter<Metric>
{
    private readonly CloudWatchMetricsExporterOptions _options;
    private readonly EmfMetricConverter _converter;
    private readonly IMetricsLogStream _stream;
    private readonly SinkDiagnostics _diagnostics;

    internal CloudWatchMetricsExporter(CloudWatchMetricsExporterOptions options, IMetricsLogStream stream, SinkDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _stream = stream;
        _diagnostics = diagnostics ?? SinkDiagnostics.Default;
        _converter = new EmfMetricConverter(options.Logs.ServiceName, options.Host);
    }

    public string LogGroupName => _stream.LogGroup;
    public string LogStreamName => _stream.LogStream;
    internal SinkMetrics Metrics => _stream.Metrics;

    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            var metrics = new List<Metric>();
            foreach (var metric in batch)
            {
                metrics.Add(metric);
            }

            var now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var built = EmfDocumentBuilder.Build(_options.Namespace, now, _converter.Convert(metrics));
            if (built.Refused > 0)
            {
                _stream.Metrics.AddDropped(DropReason.EmfRefused, built.Refused);
                _diagnostics.ReportOnce(CloudWatchMetricsExporterOptions.SinkName, "refused:" + built.RefusalReasons[0],
                    $"{built.Refused} metric value(s) break the Embedded Metric Format's rules and are not sent ({built.RefusalReasons[0]}).");
            }

            var result = ExportResult.Success;
            foreach (var document in built.Documents)
            {
                if (!_stream.Enqueue(new CloudWatchLogEvent(now, document)))
                {
                    result = ExportResult.Failure;
                }
            }

            return result;
        }
        catch (Exception ex)
        {
            _stream.Metrics.AddDropped(DropReason.FormatFailed);
            _diagnostics.ReportOnce(CloudWatchMetricsExporterOptions.SinkName, "format:" + ex.GetType().Name,
                $"could not turn metrics into EMF ({ex.GetType().Name}: {ex.Message}); this collection is dropped and counted.");
            return ExportResult.Failure;
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => _stream.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => _stream.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
