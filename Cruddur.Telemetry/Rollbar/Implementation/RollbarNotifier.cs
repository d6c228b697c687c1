using Cruddur.Telemetry.Delivery;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// The process's one Rollbar notifier: captures what an item needs on the caller's thread (the exception, a copy of
/// the request's fields, level, trace ids) and hands it to its <see cref="SinkSender{TItem, TBatch}"/>, whose loop
/// builds the scrubbed payload and delivers it through a <see cref="RollbarTransport"/>.
/// Shared by the log exporter, the gateway's exception handler, the silo's grain call filter and <c>/rollbar/test</c>.
/// </summary>
internal sealed class RollbarNotifier : IRollbarNotifier, IAsyncDisposable, IDisposable
{
    private readonly RollbarOptions _options;
    private readonly TimeProvider _time;
    private readonly RollbarPayloadBuilder _builder;
    private readonly SinkSender<RollbarQueuedItem, RollbarQueuedItem>? _sender;
    private readonly SinkDiagnostics _diagnostics;

    /// <param name="options">Valid options (<see cref="RollbarOptionsValidator"/>); without an access token nothing is sent.</param>
    internal RollbarNotifier(RollbarOptions options, TimeProvider time, TelemetrySettings? settings = null, HttpMessageHandler? handler = null,
        SinkMetrics? metrics = null, SinkDiagnostics? diagnostics = null)
    {
        _options = options;
        _time = time;
        _diagnostics = diagnostics ?? SinkDiagnostics.Default;
        _builder = new RollbarPayloadBuilder(options, settings?.ServiceName, settings?.ServiceVersion);
        if (options.Enabled)
        {
            metrics ??= new SinkMetrics(RollbarTransport.Sink);
            _sender = new SinkSender<RollbarQueuedItem, RollbarQueuedItem>(
                new SinkSenderOptions
                {
                    QueueCapacity = options.QueueCapacity,
                    MaxAttempts = options.MaxAttempts,
                    Backoff = options.Backoff,
                    ShutdownTimeout = options.ShutdownTimeout,
                    TimeProvider = time,
                },
                new RollbarTransport(options, time, metrics, _diagnostics, _builder, handler),
                new SingleItemBatcher<RollbarQueuedItem>(),
                metrics,
                _diagnostics);
        }
    }

    public bool Enabled => _sender is not null;

    public RollbarOptions Options => _options;

    internal SinkSender<RollbarQueuedItem, RollbarQueuedItem>? Sender => _sender;

    internal RollbarPayloadBuilder Builder => _builder;

    public string? Report(Exception exception, string level = RollbarLevel.Error, RollbarRequest? request = null,
        IReadOnlyDictionary<string, string?>? custom = null, string? context = null)
    {
        if (_sender is null || RollbarReportedMarker.IsReported(exception))
        {
            return null;
        }

        return Enqueue(Occurrence(level, request, custom) with { Exception = exception, Context = context });
    }

    public string? Message(string text, string level = RollbarLevel.Info, RollbarRequest? request = null,
        IReadOnlyDictionary<string, string?>? custom = null)
    {
        if (_sender is null)
        {
            return null;
        }

        return Enqueue(Occurrence(level, request, custom) with { Message = text });
    }

    /// <summary>What every occurrence captures on the caller's thread: when, the trace it belongs to, copies of its data.</summary>
    private RollbarOccurrence Occurrence(string level, RollbarRequest? request, IReadOnlyDictionary<string, string?>? custom)
    {
        var (traceId, spanId) = RollbarPayloadBuilder.CurrentTrace();
        return new RollbarOccurrence
        {
            Level = level,
            Timestamp = _time.GetUtcNow(),
            Request = request,
            Custom = Copy(custom),
            TraceId = traceId,
            SpanId = spanId,
        };
    }

    /// <summary>A log record at or above the configured level (called by <see cref="RollbarExporter"/>).</summary>
    internal string? Report(LogRecord record)
    {
        if (_sender is null || (record.Exception is { } ex && RollbarReportedMarker.IsReported(ex)))
        {
            return null;
        }

        var custom = new Dictionary<string, string?> { ["logger"] = record.CategoryName };
        if (record.EventId.Id != 0 || record.EventId.Name is not null)
        {
            custom["event_id"] = record.EventId.Name ?? record.EventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Enqueue(new RollbarOccurrence
        {
            Level = RollbarLevel.From(record.LogLevel),
            Timestamp = record.Timestamp == default ? _time.GetUtcNow() : new DateTimeOffset(record.Timestamp, TimeSpan.Zero),
            Exception = record.Exception,
            Message = record.FormattedMessage ?? record.Body,
            Context = record.CategoryName,
            Custom = custom,
            TraceId = record.TraceId,
            SpanId = record.SpanId,
        });
    }

    /// <summary>The caller's dictionary may change once the call returns; the item is built later.</summary>
    private static Dictionary<string, string?>? Copy(IReadOnlyDictionary<string, string?>? custom) =>
        custom is null ? null : new Dictionary<string, string?>(custom);

    /// <summary>Marks the exception and enqueues; the payload is built on the sender's loop (<see cref="RollbarTransport"/>).</summary>
    private string? Enqueue(RollbarOccurrence occurrence)
    {
        if (occurrence.Exception is { } exception)
        {
            RollbarReportedMarker.Mark(exception, occurrence.Uuid);
        }

        return _sender!.TryEnqueue(new RollbarQueuedItem(occurrence)) ? occurrence.Uuid : null;
    }

    /// <summary>Waits for what is queued (infinite = the shutdown time-out); called on the SDK's export thread or at disposal.</summary>
    public bool Flush(TimeSpan timeout) => _sender is null || _sender.Flush(timeout);

    /// <summary>Delivers what is queued within min(<paramref name="timeout"/>, <see cref="RollbarOptions.ShutdownTimeout"/>) and stops.</summary>
    public bool Shutdown(TimeSpan timeout) => _sender is null || _sender.Shutdown(timeout);

    public async ValueTask DisposeAsync()
    {
        if (_sender is not null)
        {
            await _sender.ShutdownAsync(_options.ShutdownTimeout).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _sender?.Shutdown(_options.ShutdownTimeout);
        _sender?.Dispose();
    }
}
