using System.Text.Json;
using System.Text.Json.Nodes;
using Cruddur.Telemetry.CloudWatch;
using Cruddur.Telemetry.Rollbar;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Text;

/// <summary>
/// Every sink shortens text somewhere; none may cut an emoji (a UTF-16 surrogate pair) in half, wherever the cut falls.
/// Each test puts the pairs at both parities (a one-char prefix or not) or tries every cut position.
/// </summary>
public sealed class EmojiTruncationTests
{
    private const string Emoji = "\U0001F600"; // 😀: two UTF-16 chars

    private static string Emojis(int prefix, int count) => new string('a', prefix) + string.Concat(Enumerable.Repeat(Emoji, count));

    /// <summary>Every surrogate is half of a pair that is there, and no half was replaced by U+FFFD on the way.</summary>
    private static void AssertWhole(string text)
    {
        Assert.DoesNotContain('\uFFFD', text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                Assert.True(i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]), $"high surrogate without its pair at {i} of {text.Length}");
                i++;
            }
            else
            {
                Assert.False(char.IsLowSurrogate(text[i]), $"low surrogate without its pair at {i} of {text.Length}");
            }
        }
    }

    [Fact]
    public void CloudWatch_caps_a_string_at_every_length_without_splitting_an_emoji()
    {
        var value = "a" + Emojis(0, 12) + "b" + Emojis(0, 12);
        for (var max = 0; max <= value.Length; max++)
        {
            var capped = LogRecordFormatter.Cap(value, max);
            AssertWhole(capped);
            Assert.StartsWith(capped.Replace(CloudWatchLimits.TruncationMarker, string.Empty, StringComparison.Ordinal), value, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CloudWatch_an_oversize_record_of_emoji_keeps_every_emoji_whole(int prefix)
    {
        var (logger, exporter, factory) = FormattingExporter.Create("Cruddur.Tests.Emoji");
        using var disposeFactory = factory;

        logger.LogError("dump {Payload}", Emojis(prefix, 150_000)); // 600 KB of UTF-8: over the event limit

        var (e, trimmed) = Assert.Single(exporter.Formatted);
        Assert.True(trimmed);
        AssertWhole(e.Message);
        using var json = JsonDocument.Parse(e.Message);
        AssertWhole(json.RootElement.GetProperty("state").GetProperty("Payload").GetString()!);
        AssertWhole(json.RootElement.GetProperty("message").GetString()!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rollbar_context_cut_to_255_keeps_every_emoji_whole(int prefix)
    {
        var builder = new RollbarPayloadBuilder(Options(), Settings.ServiceName, Settings.ServiceVersion);
        var payload = builder.Build(new RollbarOccurrence
        {
            Level = RollbarLevel.Error,
            Timestamp = DateTimeOffset.UnixEpoch,
            Message = "m",
            Context = Emojis(prefix, 200),
        });

        var context = payload["data"]!["context"]!.GetValue<string>();
        Assert.True(context.Length is 254 or 255, $"{context.Length} chars");
        AssertWhole(context);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rollbar_trimming_an_oversize_item_keeps_every_emoji_whole(int prefix)
    {
        var payload = new JsonObject
        {
            ["data"] = new JsonObject { ["body"] = new JsonObject { ["message"] = new JsonObject { ["body"] = Emojis(prefix, 2000) } } },
        };

        var bytes = RollbarPayloadTrimmer.Fit(payload, 4096, out var trimmed);

        Assert.True(trimmed);
        Assert.NotNull(bytes);
        var body = JsonNode.Parse(bytes)!["data"]!["body"]!["message"]!["body"]!.GetValue<string>();
        Assert.EndsWith("...", body, StringComparison.Ordinal);
        AssertWhole(body);
    }

    [Fact]
    public void XRay_truncates_a_field_at_every_length_without_splitting_an_emoji()
    {
        var value = "a" + Emojis(0, 12) + "b" + Emojis(0, 12);
        for (var max = 0; max <= value.Length; max++)
        {
            AssertWhole(XRaySegmentWriter.Truncate(value, max).ToString());
        }
    }

    [Fact]
    public void XRay_metadata_strings_capped_at_every_length_keep_every_emoji_whole()
    {
        var value = "a" + Emojis(0, 12) + "b" + Emojis(0, 12);
        for (var max = 1; max <= value.Length; max++)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                XRaySegmentWriter.WriteValue(w, new[] { value }, max);
            }

            buffer.Position = 0;
            using var json = JsonDocument.Parse(buffer);
            AssertWhole(json.RootElement[0].GetString()!);
        }
    }
}
