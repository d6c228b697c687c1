using System.Text;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>One <c>InputLogEvent</c>, copied out of the pooled LogRecord: ms since epoch and the message.</summary>
public readonly record struct CloudWatchLogEvent
{
    public CloudWatchLogEvent(long timestamp, string message)
    {
        Timestamp = timestamp;
        Message = message;
        Utf8Bytes = Encoding.UTF8.GetByteCount(message);
    }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; }

    public string Message { get; }

    /// <summary>UTF-8 size of <see cref="Message"/>; the service adds <see cref="CloudWatchLimits.EventOverheadBytes"/>.</summary>
    public int Utf8Bytes { get; }

    /// <summary>What this event counts against the batch size limit.</summary>
    public int BatchBytes => Utf8Bytes + CloudWatchLimits.EventOverheadBytes;
}
