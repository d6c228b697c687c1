using Cruddur.Telemetry.Delivery;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Log records at or above <see cref="RollbarOptions.MinimumLevel"/> (default Error) become Rollbar items, carrying
/// their exception. Records whose exception was already reported (by the exception handler, the grain call filter, or
/// a silo) are skipped. Conversion only queues; delivery happens on the sender's own loop.
/// </summary>
public sealed class RollbarExporter : BaseExporter<LogRecord>
{
    private readonly RollbarNotifier _notifier;
    private readonly LogLevel _minimumLevel;

    internal RollbarExporter(RollbarNotifier notifier)
    {
        _notifier = notifier;
        _minimumLevel = notifier.Options.MinimumLevel;
    }

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            if (Reports(record.LogLevel, _minimumLevel))
            {
                _notifier.Report(record);
            }
        }

        return ExportResult.Success;
    }

    /// <summary>The one level rule: at or above the minimum, and not <see cref="LogLevel.None"/>.</summary>
    internal static bool Reports(LogLevel level, LogLevel minimumLevel) => level >= minimumLevel && level != LogLevel.None;

    protected override bool OnForceFlush(int timeoutMilliseconds) =>
        _notifier.Flush(ExporterTimeout.From(timeoutMilliseconds));

    /// <summary>Flushes only: the notifier outlives the log pipeline (the exception handler and grain filter use it);
    /// it shuts its sender down when the service provider disposes it.</summary>
    protected override bool OnShutdown(int timeoutMilliseconds) =>
        _notifier.Flush(ExporterTimeout.From(timeoutMilliseconds));
}
