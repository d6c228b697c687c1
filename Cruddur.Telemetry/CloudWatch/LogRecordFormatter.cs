using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// Turns a LogRecord into one CloudWatch event whose message is a single JSON object:
/// <c>timestamp, level, category, message, template, event_id, state{}, scopes{}, exception{type,message,stack},
/// service, trace_id, span_id, xray_trace_id</c>. Everything is copied out: LogRecords are pooled.
/// </summary>
internal sealed class LogRecordFormatter(string serviceName)
{
    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public string ServiceName { get; } = serviceName;

    public CloudWatchLogEvent Format(LogRecord record) => Format(record, out _);

    /// <param name="trimmed">true when the record was over <see cref="CloudWatchLimits.MaxMessageBytes"/> and was cut to fit.</param>
    public CloudWatchLogEvent Format(LogRecord record, out bool trimmed)
    {
        var timestamp = new DateTimeOffset(DateTime.SpecifyKind(record.Timestamp, DateTimeKind.Utc));
        var json = Serialize(record, timestamp, maxString: int.MaxValue, out var longest);
        trimmed = Encoding.UTF8.GetByteCount(json) > CloudWatchLimits.MaxMessageBytes;
        if (trimmed)
        {
            json = Shrink(record, timestamp, longest);
        }

        return Create(timestamp.ToUnixTimeMilliseconds(), json);
    }

    /// <summary>An event whose message is cut to <see cref="CloudWatchLimits.MaxMessageBytes"/> (with the marker) when it is longer.</summary>
    public static CloudWatchLogEvent Create(long timestampMs, string message)
    {
        var e = new CloudWatchLogEvent(timestampMs, message.Length == 0 ? " " : message);
        return e.Utf8Bytes <= CloudWatchLimits.MaxMessageBytes ? e : new CloudWatchLogEvent(timestampMs, Truncate(message));
    }

    /// <summary>Cuts <paramref name="message"/> so that it plus the marker fits, never inside a UTF-16 surrogate pair.</summary>
    internal static string Truncate(string message)
    {
        var budget = CloudWatchLimits.MaxMessageBytes - Encoding.UTF8.GetByteCount(CloudWatchLimits.TruncationMarker);
        var chars = Math.Min(message.Length, budget); // every char is at least one byte
        while (chars > 0 && Encoding.UTF8.GetByteCount(message.AsSpan(0, chars)) > budget)
        {
            chars -= Math.Max(1, (Encoding.UTF8.GetByteCount(message.AsSpan(0, chars)) - budget) / 4);
        }

        if (chars > 0 && char.IsHighSurrogate(message[chars - 1]))
        {
            chars--;
        }

        return string.Concat(message.AsSpan(0, chars), CloudWatchLimits.TruncationMarker);
    }

    /// <summary>
    /// Oversize record: keep the JSON valid by capping every string value (longest first) until it fits,
    /// found by bisection; the capped values end with the marker and <c>"truncated": true</c> is added.
    /// </summary>
    private string Shrink(LogRecord record, DateTimeOffset timestamp, int longest)
    {
        var (low, high) = (0, longest);
        string? best = null;
        while (low <= high)
        {
            var cap = low + ((high - low) / 2);
            var candidate = Serialize(record, timestamp, cap, out _);
            if (Encoding.UTF8.GetByteCount(candidate) <= CloudWatchLimits.MaxMessageBytes)
            {
                best = candidate;
                low = cap + 1;
            }
            else
            {
                high = cap - 1;
            }
        }

        // Even empty strings don't fit (thousands of attributes): plain truncation, marker included.
        return best ?? Serialize(record, timestamp, 0, out _);
    }

    /// <summary>One buffer and writer per exporting thread, reused: a log event then allocates only its string.</summary>
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private string Serialize(LogRecord record, DateTimeOffset timestamp, int maxString, out int longest)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        w.Reset(buffer);
        var longestSeen = 0;
        {
            void Str(string name, string? value)
            {
                if (value is null)
                {
                    return;
                }

                longestSeen = Math.Max(longestSeen, value.Length);
                w.WriteString(name, Cap(value, maxString));
            }

            w.WriteStartObject();
            w.WriteString("timestamp", timestamp.UtcDateTime); // ISO 8601, e.g. 2026-11-28T14:00:00.1234567Z
            w.WriteString("level", record.LogLevel.ToString());
            Str("category", record.CategoryName);
            Str("message", record.FormattedMessage ?? record.Body);

            string? template = null;
            if (record.Attributes is { Count: > 0 } attributes)
            {
                var started = false;
                foreach (var (key, value) in attributes)
                {
                    if (key == OriginalFormat)
                    {
                        template = value as string;
                        continue;
                    }

                    if (!started)
                    {
                        w.WriteStartObject("state");
                        started = true;
                    }

                    WriteValue(w, key, value, maxString, ref longestSeen);
                }

                if (started)
                {
                    w.WriteEndObject();
                }
            }

            Str("template", template);
            if (record.EventId.Id != 0 || record.EventId.Name is not null)
            {
                w.WriteNumber("event_id", record.EventId.Id);
                Str("event_name", record.EventId.Name);
            }

            var scopes = new ScopeWriter(w, maxString);
            record.ForEachScope(static (scope, state) => state.Write(scope), scopes);
            scopes.End();
            longestSeen = Math.Max(longestSeen, scopes.Longest);

            if (record.Exception is { } exception)
            {
                w.WriteStartObject("exception");
                Str("type", exception.GetType().FullName);
                Str("message", exception.Message);
                Str("stack", exception.ToString());
                w.WriteEndObject();
            }

            Str("service", ServiceName);
            if (record.TraceId != default)
            {
                var traceId = record.TraceId.ToHexString();
                w.WriteString("trace_id", traceId);
                w.WriteString("span_id", record.SpanId.ToHexString());
                w.WriteString("xray_trace_id", TraceIds.ToXRay(traceId));
            }

            if (maxString != int.MaxValue)
            {
                w.WriteBoolean("truncated", true);
            }

            w.WriteEndObject();
            w.Flush();
        }

        longest = longestSeen;
        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > 64 * 1024)
        {
            // An outsized record grew the shared buffer: let it go rather than pin megabytes per thread.
            (t_buffer, t_writer) = (null, null);
        }

        return maxString == 0 && Encoding.UTF8.GetByteCount(json) > CloudWatchLimits.MaxMessageBytes ? Truncate(json) : json;
    }

    private static string Cap(string value, int max) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), CloudWatchLimits.TruncationMarker);

    private static void WriteValue(Utf8JsonWriter w, string key, object? value, int maxString, ref int longest)
    {
        switch (value)
        {
            case null: w.WriteNull(key); break;
            case bool b: w.WriteBoolean(key, b); break;
            case int i: w.WriteNumber(key, i); break;
            case long l: w.WriteNumber(key, l); break;
            case short s: w.WriteNumber(key, s); break;
            case byte by: w.WriteNumber(key, by); break;
            case uint ui: w.WriteNumber(key, ui); break;
            case ulong ul: w.WriteNumber(key, ul); break;
            case float f when float.IsFinite(f): w.WriteNumber(key, f); break;
            case double d when double.IsFinite(d): w.WriteNumber(key, d); break;
            case decimal m: w.WriteNumber(key, m); break;
            case DateTime dt: w.WriteString(key, dt.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto: w.WriteString(key, dto.ToString("O", CultureInfo.InvariantCulture)); break;
            default:
                var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
                longest = Math.Max(longest, text.Length);
                w.WriteString(key, Cap(text, maxString));
                break;
        }
    }

    /// <summary>Scope values flattened into one <c>scopes</c> object (ASP.NET Core's RequestPath, ConnectionId, ...).</summary>
    private sealed class ScopeWriter(Utf8JsonWriter w, int maxString)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private bool _started;
        private int _longest;

        public int Longest => _longest;

        public void Write(LogRecordScope scope)
        {
            foreach (var (key, value) in scope)
            {
                var name = string.IsNullOrEmpty(key) ? "scope" : key;
                if (name == OriginalFormat || !_seen.Add(name))
                {
                    continue; // first (outermost) wins; JSON keys stay unique
                }

                if (!_started)
                {
                    w.WriteStartObject("scopes");
                    _started = true;
                }

                WriteValue(w, name, value, maxString, ref _longest);
            }
        }

        public void End()
        {
            if (_started)
            {
                w.WriteEndObject();
            }
        }
    }
}
