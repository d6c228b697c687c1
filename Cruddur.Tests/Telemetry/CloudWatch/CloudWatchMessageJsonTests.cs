using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>
/// Events keep their message as an escaped UTF-8 JSON string literal and the PutLogEvents body is assembled from those
/// bytes: the body must be what Utf8JsonWriter wrote before (WriteString of the message string, relaxed escaping), and
/// the size accounting must stay the UTF-8 length of the unescaped message.
/// </summary>
public partial class CloudWatchMessageJsonTests
{
    private const long T0 = 1_795_000_000_000;

    /// <summary>Quotes, backslashes, JSON inside JSON, every C0 control, DEL, Latin-1, CJK, an emoji, U+2028, a BOM, a private-use char.</summary>
    private static readonly string Nasty = "say \"hi\" \\ path C:\\temp\\ {\"inner\":\"va\\\"l\"} "
        + string.Concat(Enumerable.Range(0, 32).Select(c => (char)c)) + "\u007f é€中 😀 \u2028\u2029 \ufeff \ue000 </script> & '";

    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The PutLogEvents body as it was written before events kept their JSON: Utf8JsonWriter over the message strings.</summary>
    private static byte[] ReferenceBody(string group, string stream, IEnumerable<CloudWatchLogEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            w.WriteStartObject();
            w.WriteString("logGroupName", group);
            w.WriteString("logStreamName", stream);
            w.WriteStartArray("logEvents");
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteNumber("timestamp", e.Timestamp);
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Literal(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            w.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static List<string> SentMessages(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("logEvents").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
    }

    [Fact]
    public void The_escaped_message_is_what_Utf8JsonWriter_writes_for_every_BMP_character_and_a_supplementary_one()
    {
        var everyChar = string.Concat(Enumerable.Range(0, 0x10000).Where(c => c is < 0xD800 or > 0xDFFF).Select(c => (char)c)) + "😀𝄞";
        var e = new CloudWatchLogEvent(T0, everyChar);

        Assert.Equal(Literal(everyChar), Encoding.UTF8.GetString(e.MessageJson));
        Assert.Equal(everyChar, e.Message);
        Assert.Equal(Encoding.UTF8.GetByteCount(everyChar), e.Utf8Bytes);
    }

    [Fact]
    public void The_escaped_message_is_what_Utf8JsonWriter_writes_for_random_mixes_of_every_kind_of_character()
    {
        // Many lengths and densities: runs of quotes and backslashes are escaped 8 bytes at a time, with the last bytes
        // of a run and everything else handled one by one, so every boundary between those paths gets crossed.
        string[] pieces = ["\"", "\\", "a", "Z", "0", " ", "{", "}", ":", ",", "/", "<", "'", "\n", "\u0001", "\u007f", "é", "中", "😀", "\u2028", "\ufeff"];
        var random = new Random(20261128);
        for (var n = 0; n < 3000; n++)
        {
            var plainOnly = n % 3 == 0; // a third like a formatted record: ASCII, quotes and backslashes only
            var length = random.Next(0, n % 10 == 0 ? 600 : 80);
            var text = string.Concat(Enumerable.Range(0, length).Select(_ => pieces[random.Next(plainOnly ? 11 : pieces.Length)]));
            var e = new CloudWatchLogEvent(T0, text);

            Assert.Equal(Literal(text), Encoding.UTF8.GetString(e.MessageJson));
            Assert.Equal(Encoding.UTF8.GetByteCount(text), e.Utf8Bytes);
        }
    }

    [Fact]
    public void A_lone_surrogate_is_sent_and_counted_as_U_FFFD()
    {
        var e = new CloudWatchLogEvent(T0, "a\ud800b\udc00c");

        Assert.Equal("a\ufffdb\ufffdc", e.Message);
        Assert.Equal(9, e.Utf8Bytes);
        Assert.Equal("a\ufffdb\ufffdc", Assert.Single(SentMessages(CloudWatchLogsClient.PutLogEventsBody("g", "s", [e]))));
    }

    [Fact]
    public void The_body_is_byte_for_byte_what_Utf8JsonWriter_wrote()
    {
        CloudWatchLogEvent[] events =
        [
            new(T0, Nasty),
            new(0, "zero"),
            new(-1, "before 1970"),
            new(long.MaxValue, "far future"),
            new(long.MinValue, "far past"),
            LogRecordFormatter.Create(T0, ""),
            LogRecordFormatter.Create(T0, string.Concat(Enumerable.Repeat("\"😀é\\", 70_000))),
        ];
        const string group = "cruddur \"group\" é/\\";
        const string stream = "cruddur-silo/host/42-abcd\n";

        var body = CloudWatchLogsClient.PutLogEventsBody(group, stream, events);

        Assert.Equal(ReferenceBody(group, stream, events), body);
        Assert.Equal(events.Select(e => e.Message), SentMessages(body));
        Assert.Equal(ReferenceBody(group, stream, []), CloudWatchLogsClient.PutLogEventsBody(group, stream, []));
    }

    [Fact]
    public void Truncation_keeps_whole_characters_counts_the_unescaped_bytes_and_ends_with_the_marker()
    {
        var huge = string.Concat(Enumerable.Repeat("\"😀é\\\n", 60_000)); // 1 + 4 + 2 + 1 + 1 bytes, 5 of them escaped
        var e = LogRecordFormatter.Create(T0, huge);

        var sent = Assert.Single(SentMessages(CloudWatchLogsClient.PutLogEventsBody("g", "s", [e])));
        Assert.Equal(e.Message, sent);
        Assert.Equal(Encoding.UTF8.GetByteCount(sent), e.Utf8Bytes);
        Assert.InRange(e.Utf8Bytes, CloudWatchLimits.MaxMessageBytes - 3, CloudWatchLimits.MaxMessageBytes);
        Assert.EndsWith(CloudWatchLimits.TruncationMarker, sent);
        Assert.StartsWith(sent[..^CloudWatchLimits.TruncationMarker.Length], huge, StringComparison.Ordinal);
    }

    /// <summary>A category that needs escaping, so it takes the formatter's slow path.</summary>
    private const string OddCategory = "Cruddur.Tests.\"Odd\" Category é";

    [LoggerMessage(Level = LogLevel.Error, Message = "Saw {Text} from {Path}")]
    private static partial void LogSaw(ILogger logger, string text, string path);

    /// <summary>The checks every formatted event must pass once it has been through a PutLogEvents body.</summary>
    private static JsonDocument SendAndDecode(CloudWatchLogEvent e)
    {
        var body = CloudWatchLogsClient.PutLogEventsBody("cruddur", "cruddur-gateway/test", [e]);
        Assert.Equal(ReferenceBody("cruddur", "cruddur-gateway/test", [e]), body);
        var sent = Assert.Single(SentMessages(body));
        Assert.Equal(e.Message, sent);
        Assert.Equal(Encoding.UTF8.GetByteCount(sent), e.Utf8Bytes);
        Assert.True(e.Utf8Bytes <= CloudWatchLimits.MaxMessageBytes, $"{e.Utf8Bytes} bytes");
        return JsonDocument.Parse(sent);
    }

    [Fact]
    public void A_formatted_record_with_quotes_backslashes_controls_and_non_ascii_decodes_to_the_same_json()
    {
        var (logger, exporter, factory) = FormattingExporter.Create(OddCategory);
        using var disposeFactory = factory;
        using (logger.BeginScope(new Dictionary<string, object> { ["Nasty \"key\" é"] = Nasty }))
        {
            LogSaw(logger, Nasty, "C:\\inetpub\\wwwroot");
        }

        var (e, trimmed) = Assert.Single(exporter.Formatted);
        Assert.False(trimmed);
        using var doc = SendAndDecode(e);
        var json = doc.RootElement;
        Assert.Equal($"Saw {Nasty} from C:\\inetpub\\wwwroot", json.GetProperty("message").GetString());
        Assert.Equal(Nasty, json.GetProperty("state").GetProperty("Text").GetString());
        Assert.Equal("C:\\inetpub\\wwwroot", json.GetProperty("state").GetProperty("Path").GetString());
        Assert.Equal(Nasty, json.GetProperty("scopes").GetProperty("Nasty \"key\" é").GetString());
        Assert.Equal("Cruddur.Tests.\"Odd\" Category é", json.GetProperty("category").GetString());
        Assert.Equal("Error", json.GetProperty("level").GetString());
    }

    [Fact]
    public void An_oversize_record_with_multibyte_text_is_capped_to_valid_json_within_the_limit()
    {
        var (logger, exporter, factory) = FormattingExporter.Create(OddCategory);
        using var disposeFactory = factory;
        var big = string.Concat(Enumerable.Repeat("\"é😀\\", 50_000)); // 8 bytes, 18 in the record's JSON (\uD83D\uDE00)
        LogSaw(logger, big, "/api/activities/home");

        var (e, trimmed) = Assert.Single(exporter.Formatted);
        Assert.True(trimmed);
        Assert.True(e.Utf8Bytes > CloudWatchLimits.MaxMessageBytes - 1000, "capping keeps as much as fits");
        using var doc = SendAndDecode(e);
        Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
        var text = doc.RootElement.GetProperty("state").GetProperty("Text").GetString()!;
        Assert.EndsWith(CloudWatchLimits.TruncationMarker, text);

        // Capping counts UTF-16 chars and may end on half an emoji, which the record's JSON writer spells U+FFFD.
        var kept = text[..^CloudWatchLimits.TruncationMarker.Length].TrimEnd('\ufffd');
        Assert.StartsWith(kept, big, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_too_big_even_with_empty_strings_is_cut_at_a_character_boundary_with_the_marker()
    {
        var (logger, exporter, factory) = FormattingExporter.Create(OddCategory);
        using var disposeFactory = factory;
        var scope = Enumerable.Range(0, 40_000).ToDictionary(i => $"ключ\"{i}", _ => (object)"");
        using (logger.BeginScope(scope))
        {
            LogSaw(logger, "x", "y");
        }

        var (e, trimmed) = Assert.Single(exporter.Formatted);
        Assert.True(trimmed);
        var body = CloudWatchLogsClient.PutLogEventsBody("cruddur", "cruddur-gateway/test", [e]);
        Assert.Equal(ReferenceBody("cruddur", "cruddur-gateway/test", [e]), body);
        var sent = Assert.Single(SentMessages(body));
        Assert.Equal(Encoding.UTF8.GetByteCount(sent), e.Utf8Bytes);
        Assert.InRange(e.Utf8Bytes, CloudWatchLimits.MaxMessageBytes - 3, CloudWatchLimits.MaxMessageBytes);
        Assert.EndsWith(CloudWatchLimits.TruncationMarker, sent);
        Assert.StartsWith("{\"timestamp\":", sent, StringComparison.Ordinal);
        Assert.DoesNotContain('\ufffd', sent); // no split sequence
    }
}
