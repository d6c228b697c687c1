using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// The batch processor in front of <see cref="RollbarExporter"/>, taking in only the records Rollbar will look at
/// (at or above <see cref="RollbarOptions.MinimumLevel"/>); the exporter is any log exporter so tests can watch it. Without the filter every Information line of every
/// request was buffered, held from the record pool and walked by the export thread only to be skipped.
/// </summary>
internal sealed class RollbarBatchProcessor(BaseExporter<LogRecord> exporter, LogLevel minimumLevel, int scheduledDelayMilliseconds)
    : BatchLogRecordExportProcessor(exporter, scheduledDelayMilliseconds: scheduledDelayMilliseconds)
{
    public override void OnEnd(LogRecord data)
    {
        if (RollbarExporter.Reports(data.LogLevel, minimumLevel))
        {
            base.OnEnd(data);
        }
    }
}
