using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>Formats inside Export, as the real exporter must: records are pooled and reused after Export returns.</summary>
internal sealed class FormattingExporter : BaseExporter<LogRecord>
{
    private readonly LogRecordFormatter _formatter = new("cruddur-gateway");

    public List<(CloudWatchLogEvent Event, bool Trimmed)> Formatted { get; } = [];

    public IEnumerable<CloudWatchLogEvent> Events => Formatted.Select(f => f.Event);

    /// <summary>A logger factory with OpenTelemetry logging (formatted message and scopes on) feeding a new exporter.</summary>
    public static (ILogger Logger, FormattingExporter Exporter, ILoggerFactory Factory) Create(string category)
    {
        var exporter = new FormattingExporter();
        var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            o.AddProcessor(new SimpleLogRecordExportProcessor(exporter));
        }));
        return (factory.CreateLogger(category), exporter, factory);
    }

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            Formatted.Add((_formatter.Format(record, out var trimmed), trimmed));
        }

        return ExportResult.Success;
    }
}
