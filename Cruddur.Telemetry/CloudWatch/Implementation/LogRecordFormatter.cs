using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cruddur.Telemetry.Text;
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

    private static readonly byte[] MarkerUtf8 = Encoding.UTF8.GetBytes(CloudWatchLimits.TruncationMarker);

    // Property names encoded once (the record's own keys, from state and scopes, are not known in advance).
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText LevelName = JsonEncodedText.Encode("level");
    private static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText StateName = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText TemplateName = JsonEncodedText.Encode("template");
    private static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText EventNameName = JsonEncodedText.Encode("event_name");
    private static readonly JsonEncodedText ScopesName = JsonEncodedText.Encode("scopes");
    private static readonly JsonEncodedText ExceptionName = JsonEncodedText.Encode("exception");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText StackName = JsonEncodedText.Encode("stack");
    private static readonly JsonEncodedText ServiceNameName = JsonEncodedText.Encode("service");
    private static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode("trace_id");
    private static readonly JsonEncodedText SpanIdName = JsonEncodedText.Encode("span_id");
    private static readonly JsonEncodedText XRayTraceIdName = JsonEncodedText.Encode("xray_trace_id");
    private static readonly JsonEncodedText TruncatedName = JsonEncodedText.Encode("truncated");

    /// <summary><c>LogLevel.ToString()</c> of Trace … None, encoded once.</summary>
    private static readonly JsonEncodedText[] LevelValues =
        Enumerable.Range(0, (int)LogLevel.None + 1).Select(l => JsonEncodedText.Encode(((LogLevel)l).ToString())).ToArray();

    public CloudWatchLogEvent Format(LogRecord record) => Format(record, out _);

    /// <param name="trimmed">true when the record was over <see cref="CloudWatchLimits.MaxMessageBytes"/> and was cut to fit.</param>
    public CloudWatchLogEvent Format(LogRecord record, out bool trimmed)
    {
        var timestamp = new DateTimeOffset(DateTime.SpecifyKind(record.Timestamp, DateTimeKind.Utc));
        var json = Serialize(record, timestamp, maxString: int.MaxValue, out var longest);
        trimmed = json.Length > CloudWatchLimits.MaxMessageBytes;
        if (trimmed)
        {
            json = Shrink(record, timestamp, longest);
        }

        var e = Create(timestamp.ToUnixTimeMilliseconds(), json);
        if (t_buffer is { Capacity: > 64 * 1024 })
        {
            // An outsized record grew the shared buffer: let it go rather than pin megabytes per thread.
            (t_buffer, t_writer) = (null, null);
        }

        return e;
    }

    /// <summary>An event whose message is cut to <see cref="CloudWatchLimits.MaxMessageBytes"/> (with the marker) when it is longer.</summary>
    public static CloudWatchLogEvent Create(long timestampMs, string message)
    {
        // At most 3 UTF-8 bytes per UTF-16 char: a message this short cannot be over the limit.
        return message.Length <= CloudWatchLimits.MaxMessageBytes / 3
            ? new CloudWatchLogEvent(timestampMs, message.Length == 0 ? " " : message)
            : Create(timestampMs, Encoding.UTF8.GetBytes(message));
    }

    /// <summary>
    /// The same for a UTF-8 message: over the limit, it is cut at the last whole UTF-8 sequence that leaves room for the
    /// marker (never inside a sequence, so never inside a surrogate pair of the decoded text).
    /// </summary>
    internal static CloudWatchLogEvent Create(long timestampMs, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return CloudWatchLogEvent.FromUtf8(timestampMs, " "u8);
        }

        if (utf8.Length <= CloudWatchLimits.MaxMessageBytes)
        {
            return CloudWatchLogEvent.FromUtf8(timestampMs, utf8);
        }

        var cut = CloudWatchLimits.MaxMessageBytes - MarkerUtf8.Length;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
        {
            cut--; // utf8[cut] continues a sequence: the sequence starts before the cut and must not be split
        }

        return CloudWatchLogEvent.FromUtf8(timestampMs, utf8[..cut], MarkerUtf8);
    }

    /// <summary>
    /// Oversize record: keep the JSON valid by capping every string value (longest first) until it fits,
    /// found by bisection; the capped values end with the marker and <c>"truncated": true</c> is added.
    /// </summary>
    private ReadOnlySpan<byte> Shrink(LogRecord record, DateTimeOffset timestamp, int longest)
    {
        var (low, high) = (0, longest);
        int? best = null;
        var last = -1;
        while (low <= high)
        {
            var cap = low + ((high - low) / 2);
            last = cap;
            if (Serialize(record, timestamp, cap, out _).Length <= CloudWatchLimits.MaxMessageBytes)
            {
                best = cap;
                low = cap + 1;
            }
            else
            {
                high = cap - 1;
            }
        }

        // The buffer holds the last try; write the best one again unless that was it. Even empty strings may not fit
        // (thousands of attributes): then plain truncation, marker included (Create).
        var final = best ?? 0;
        return final == last ? t_buffer!.WrittenSpan : Serialize(record, timestamp, final, out _);
    }

    /// <summary>One buffer, writer and scope writer per exporting thread, reused: a log event then allocates only its message.</summary>
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static ScopeWriter? t_scopes;

    /// <summary>The record as one JSON object, in UTF-8, in the thread's buffer (valid until the next call).</summary>
    private ReadOnlySpan<byte> Serialize(LogRecord record, DateTimeOffset timestamp, int maxString, out int longest)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        w.Reset(buffer);
        var longestSeen = 0;
        {
            void Str(JsonEncodedText name, string? value)
            {
                if (value is null)
                {
                    return;
                }

                longestSeen = Math.Max(longestSeen, value.Length);
                w.WriteString(name, Cap(value, maxString));
            }

            w.WriteStartObject();
            w.WriteString(TimestampName, timestamp.UtcDateTime); // ISO 8601, e.g. 2026-11-28T14:00:00.1234567Z
            var level = record.LogLevel;
            if ((uint)level < (uint)LevelValues.Length)
            {
                w.WriteString(LevelName, LevelValues[(int)level]);
            }
            else
            {
                w.WriteString(LevelName, level.ToString());
            }

            Str(CategoryName, record.CategoryName);
            Str(MessageName, record.FormattedMessage ?? record.Body);

            string? template = null;
            if (record.Attributes is { Count: > 0 } attributes)
            {
                var started = false;
                for (var i = 0; i < attributes.Count; i++) // by index: no boxed enumerator
                {
                    var (key, value) = attributes[i];
                    if (key == OriginalFormat)
                    {
                        template = value as string;
                        continue;
                    }

                    if (!started)
                    {
                        w.WriteStartObject(StateName);
                        started = true;
                    }

                    WriteValue(w, key, value, maxString, ref longestSeen);
                }

                if (started)
                {
                    w.WriteEndObject();
                }
            }

            Str(TemplateName, template);
            if (record.EventId.Id != 0 || record.EventId.Name is not null)
            {
                w.WriteNumber(EventIdName, record.EventId.Id);
                Str(EventNameName, record.EventId.Name);
            }

            var scopes = t_scopes ??= new ScopeWriter();
            scopes.Start(w, maxString);
            record.ForEachScope(static (scope, state) => state.Write(scope), scopes);
            scopes.End();
            longestSeen = Math.Max(longestSeen, scopes.Longest);

            if (record.Exception is { } exception)
            {
                w.WriteStartObject(ExceptionName);
                Str(TypeName, exception.GetType().FullName);
                Str(MessageName, exception.Message);
                Str(StackName, exception.ToString());
                w.WriteEndObject();
            }

            Str(ServiceNameName, ServiceName);
            if (record.TraceId != default)
            {
                WriteTraceIds(w, record);
            }

            if (maxString != int.MaxValue)
            {
                w.WriteBoolean(TruncatedName, true);
            }

            w.WriteEndObject();
            w.Flush();
        }

        longest = longestSeen;
        return buffer.WrittenSpan;
    }

    private static void WriteTraceIds(Utf8JsonWriter w, LogRecord record)
    {
        var traceId = record.TraceId.ToHexString(); // ActivityTraceId keeps its hex string: no allocation
        w.WriteString(TraceIdName, traceId);
        w.WriteString(SpanIdName, record.SpanId.ToHexString());

        // TraceIds.ToXRay without the string: 1-{8 hex}-{24 hex}
        Span<char> xray = stackalloc char[35];
        "1-".CopyTo(xray);
        traceId.AsSpan(0, 8).CopyTo(xray[2..]);
        xray[10] = '-';
        traceId.AsSpan(8).CopyTo(xray[11..]);
        w.WriteString(XRayTraceIdName, xray);
    }

    /// <summary>At most <paramref name="max"/> chars (surrogate-safe) and the marker, when longer.</summary>
    internal static string Cap(string value, int max) =>
        TextTruncation.Truncate(value, max, max, CloudWatchLimits.TruncationMarker);

    private static void WriteValue(Utf8JsonWriter w, string key, object? value, int maxString, ref int longest) =>
        TagValueJson.WriteProperty(w, key, value, maxString, CloudWatchLimits.TruncationMarker, ref longest);

    /// <summary>Scope values flattened into one <c>scopes</c> object (ASP.NET Core's RequestPath, ConnectionId, ...).</summary>
    private sealed class ScopeWriter
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private Utf8JsonWriter? _w;
        private int _maxString;
        private bool _started;
        private int _longest;

        public int Longest => _longest;

        public void Start(Utf8JsonWriter w, int maxString)
        {
            (_w, _maxString, _started, _longest) = (w, maxString, false, 0);
            _seen.Clear();
        }

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
                    _w!.WriteStartObject(ScopesName);
                    _started = true;
                }

                WriteValue(_w!, name, value, _maxString, ref _longest);
            }
        }

        public void End()
        {
            if (_started)
            {
                _w!.WriteEndObject();
            }

            _w = null;
            if (_seen.Count > 256)
            {
                _seen.Clear();
                _seen.TrimExcess(); // a record with thousands of scope values: don't keep the table per thread
            }
        }
    }
}
