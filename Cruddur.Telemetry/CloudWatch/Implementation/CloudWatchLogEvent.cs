using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// One <c>InputLogEvent</c>, copied out of the pooled LogRecord: ms since epoch and the message. The message is kept
/// the way the PutLogEvents body needs it, as a UTF-8 JSON string literal (escaped once, when the event is made), so
/// that building a request only copies bytes; <see cref="Message"/> decodes it back on demand.
/// </summary>
internal readonly record struct CloudWatchLogEvent
{
    private const int StackUtf8Bytes = 512;

    private readonly byte[]? _messageJson;

    public CloudWatchLogEvent(long timestamp, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Timestamp = timestamp;
        byte[]? rented = null;
        var max = Encoding.UTF8.GetMaxByteCount(message.Length);
        Span<byte> buffer = max <= StackUtf8Bytes
            ? stackalloc byte[StackUtf8Bytes]
            : (rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(message)));
        var utf8 = buffer[..Encoding.UTF8.GetBytes(message, buffer)];
        _messageJson = JsonStringLiteral.Encode(utf8);
        Utf8Bytes = utf8.Length;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private CloudWatchLogEvent(long timestamp, byte[] messageJson, int utf8Bytes)
    {
        Timestamp = timestamp;
        _messageJson = messageJson;
        Utf8Bytes = utf8Bytes;
    }

    /// <summary>An event whose message is the UTF-8 text <paramref name="utf8"/> followed by <paramref name="suffix"/>
    /// (each made of whole UTF-8 sequences); nothing is cut here.</summary>
    internal static CloudWatchLogEvent FromUtf8(long timestamp, ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> suffix = default) =>
        new(timestamp, JsonStringLiteral.Encode(utf8, suffix), utf8.Length + suffix.Length);

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; }

    /// <summary>The message (decoded from <see cref="MessageJson"/> on each call: for tests and diagnostics, not the send path).</summary>
    public string Message
    {
        get
        {
            if (_messageJson is null)
            {
                return string.Empty;
            }

            var reader = new Utf8JsonReader(_messageJson);
            reader.Read();
            return reader.GetString()!;
        }
    }

    /// <summary>The message as a JSON string literal in UTF-8, quotes included: what goes after <c>"message":</c>.</summary>
    internal ReadOnlySpan<byte> MessageJson => _messageJson is { } json ? json : "\"\""u8; // default(...): empty

    /// <summary>UTF-8 size of <see cref="Message"/> (unescaped); the service adds <see cref="CloudWatchLimits.EventOverheadBytes"/>.</summary>
    public int Utf8Bytes { get; }

    /// <summary>What this event counts against the batch size limit.</summary>
    public int BatchBytes => Utf8Bytes + CloudWatchLimits.EventOverheadBytes;

    public bool Equals(CloudWatchLogEvent other) =>
        Timestamp == other.Timestamp && Utf8Bytes == other.Utf8Bytes && MessageJson.SequenceEqual(other.MessageJson);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Timestamp);
        hash.AddBytes(MessageJson);
        return hash.ToHashCode();
    }
}
