using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cruddur.Telemetry;
using Cruddur.Telemetry.Rollbar;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Rollbar;

public sealed class RollbarPayloadTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    private static JsonObject Build(RollbarOccurrence occurrence, Action<RollbarOptions>? configure = null) =>
        new RollbarPayloadBuilder(Options(configure: configure), Settings.ServiceName, Settings.ServiceVersion).Build(occurrence);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Innermost() => throw new FormatException("innermost");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Middle()
    {
        try
        {
            Innermost();
        }
        catch (Exception ex)
        {
            throw new IOException("middle", ex);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Outer()
    {
        try
        {
            Middle();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("outer", ex);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallsInnermost() => Innermost();

    [Fact]
    public void Exception_with_two_inner_exceptions_gives_a_trace_chain_of_three_outer_first_frames_oldest_first()
    {
        var exception = Thrown(() => { Outer(); return null!; });
        var payload = Build(new RollbarOccurrence { Level = RollbarLevel.Error, Timestamp = Now, Exception = exception });

        var body = payload["data"]!["body"]!.AsObject();
        Assert.False(body.ContainsKey("trace"));
        var chain = body["trace_chain"]!.AsArray();
        Assert.Equal(3, chain.Count);
        Assert.Equal(["System.InvalidOperationException", "System.IO.IOException", "System.FormatException"],
            chain.Select(t => t!["exception"]!["class"]!.GetValue<string>()));
        Assert.Equal(["outer", "middle", "innermost"], chain.Select(t => t!["exception"]!["message"]!.GetValue<string>()));

        foreach (var trace in chain)
        {
            Assert.NotEmpty(trace!["frames"]!.AsArray());
            Assert.All(trace["frames"]!.AsArray(), f => Assert.False(string.IsNullOrEmpty(f!["filename"]!.GetValue<string>())));
        }

        // .NET writes the newest call first; Rollbar wants the most recent call LAST.
        var innermostFrames = Methods(chain[2]!);
        Assert.Contains(nameof(Innermost), innermostFrames[^1]);
        Assert.Contains(nameof(Middle), innermostFrames[0]);

        var outerFrames = Methods(chain[0]!);
        Assert.Contains(nameof(Outer), outerFrames[^1]);
        Assert.Contains(nameof(Thrown), outerFrames[0]);
    }

    [Fact]
    public void Frames_are_oldest_call_first_and_carry_file_and_line()
    {
        var exception = Thrown(() => { CallsInnermost(); return null!; });
        var payload = Build(new RollbarOccurrence { Level = RollbarLevel.Error, Timestamp = Now, Exception = exception });

        var trace = payload["data"]!["body"]!["trace"]!;
        var methods = Methods(trace);
        Assert.Equal(4, methods.Count); // Thrown (oldest, where it was caught) → the lambda → CallsInnermost → Innermost (newest)
        Assert.Contains(nameof(Thrown), methods[0]);
        Assert.Contains(nameof(CallsInnermost), methods[2]);
        Assert.Contains(nameof(Innermost), methods[3]);
        var newest = trace["frames"]!.AsArray()[^1]!;
        Assert.EndsWith("RollbarPayloadTests.cs", newest["filename"]!.GetValue<string>());
        Assert.True(newest["lineno"]!.GetValue<int>() > 0);
        Assert.Equal("System.FormatException", trace["exception"]!["class"]!.GetValue<string>());
    }

    [Fact]
    public void Stack_line_parsing_handles_file_less_and_separator_lines()
    {
        Assert.Null(RollbarStackFrames.Parse("--- End of stack trace from previous location ---"));
        var withFile = RollbarStackFrames.Parse("at Ns.Type.Method(String a) in /src/File.cs:line 42")!;
        Assert.Equal("/src/File.cs", withFile["filename"]!.GetValue<string>());
        Assert.Equal(42, withFile["lineno"]!.GetValue<int>());
        Assert.Equal("Ns.Type.Method(String a)", withFile["method"]!.GetValue<string>());
        var withoutFile = RollbarStackFrames.Parse("at Ns.Type.Method()")!;
        Assert.Equal("Ns.Type", withoutFile["filename"]!.GetValue<string>());
        Assert.False(withoutFile.ContainsKey("lineno"));
    }

    [Fact]
    public void Message_item_has_message_body_level_and_the_common_fields()
    {
        var payload = Build(new RollbarOccurrence { Level = RollbarLevel.Warning, Timestamp = Now, Message = "Hello World!" });

        var data = payload["data"]!;
        Assert.Equal("Hello World!", data["body"]!["message"]!["body"]!.GetValue<string>());
        Assert.Equal("warning", data["level"]!.GetValue<string>());
        Assert.Equal("test", data["environment"]!.GetValue<string>());
        Assert.Equal(Now.ToUnixTimeSeconds(), data["timestamp"]!.GetValue<long>());
        Assert.True(Guid.TryParse(data["uuid"]!.GetValue<string>(), out _));
        Assert.Equal("csharp", data["language"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(data["framework"]!.GetValue<string>()));
        Assert.Equal("9.9.9", data["code_version"]!.GetValue<string>());
        Assert.Equal("test-host", data["server"]!["host"]!.GetValue<string>());
        Assert.False(data["server"]!["root"]!.GetValue<string>().EndsWith('/'));
        Assert.Equal(RollbarPayloadBuilder.NotifierName, data["notifier"]!["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(data["notifier"]!["version"]!.GetValue<string>()));
        Assert.Equal("cruddur-test", data["custom"]!["service"]!.GetValue<string>());
        Assert.False(data["body"]!.AsObject().ContainsKey("trace"));
    }

    [Fact]
    public void Each_occurrence_gets_a_fresh_uuid()
    {
        var a = Build(new RollbarOccurrence { Level = RollbarLevel.Info, Timestamp = Now, Message = "same" });
        var b = Build(new RollbarOccurrence { Level = RollbarLevel.Info, Timestamp = Now, Message = "same" });
        Assert.NotEqual(a["data"]!["uuid"]!.GetValue<string>(), b["data"]!["uuid"]!.GetValue<string>());
    }

    [Fact]
    public void Trace_ids_of_the_current_span_are_in_custom_in_w3c_and_xray_form()
    {
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var (traceId, spanId) = RollbarPayloadBuilder.CurrentTrace();
        var payload = Build(new RollbarOccurrence
        {
            Level = RollbarLevel.Error, Timestamp = Now, Message = "m", TraceId = traceId, SpanId = spanId,
        });

        var custom = payload["data"]!["custom"]!;
        Assert.Equal(activity.TraceId.ToHexString(), custom["trace_id"]!.GetValue<string>());
        Assert.Equal(activity.SpanId.ToHexString(), custom["span_id"]!.GetValue<string>());
        Assert.Equal(TraceIds.ToXRay(activity.TraceId), custom["xray_trace_id"]!.GetValue<string>());
        Assert.Matches("^1-[0-9a-f]{8}-[0-9a-f]{24}$", custom["xray_trace_id"]!.GetValue<string>());
    }

    [Fact]
    public void Aggregate_exception_lists_all_its_inner_exceptions_after_it()
    {
        var aggregate = new AggregateException("many", new ArgumentException("a"), new TimeoutException("b"));
        var payload = Build(new RollbarOccurrence { Level = RollbarLevel.Error, Timestamp = Now, Exception = aggregate });
        var classes = payload["data"]!["body"]!["trace_chain"]!.AsArray().Select(t => t!["exception"]!["class"]!.GetValue<string>());
        Assert.Equal(["System.AggregateException", "System.ArgumentException", "System.TimeoutException"], classes);
    }

    [Fact]
    public void Oversize_payload_is_trimmed_under_the_limit_keeping_oldest_and_newest_frames()
    {
        var exception = Thrown(() => { Recurse(300); return null!; });
        var occurrence = new RollbarOccurrence
        {
            Level = RollbarLevel.Error, Timestamp = Now, Exception = exception,
            Custom = new Dictionary<string, string?> { ["blob"] = new string('x', 200_000) },
        };
        var payload = Build(occurrence);
        var frameCount = payload["data"]!["body"]!["trace"]!["frames"]!.AsArray().Count;
        Assert.True(frameCount > 300);

        var bytes = RollbarPayloadTrimmer.Fit(payload, 128 * 1024, out var trimmed);

        Assert.True(trimmed);
        Assert.NotNull(bytes);
        Assert.True(bytes.Length <= 128 * 1024, $"{bytes.Length} bytes");
        var frames = JsonNode.Parse(bytes)!["data"]!["body"]!["trace"]!["frames"]!.AsArray();
        Assert.Equal(2 * RollbarPayloadTrimmer.FramesKeptAtEachEnd + 1, frames.Count);
        Assert.Contains(nameof(Thrown), frames[0]!["method"]!.GetValue<string>());
        Assert.Contains("frames omitted", frames[RollbarPayloadTrimmer.FramesKeptAtEachEnd]!["method"]!.GetValue<string>());
        Assert.Contains(nameof(Recurse), frames[^1]!["method"]!.GetValue<string>());
    }

    [Fact]
    public void Small_payload_is_not_trimmed()
    {
        var payload = Build(new RollbarOccurrence { Level = RollbarLevel.Info, Timestamp = Now, Message = "short" });
        var bytes = RollbarPayloadTrimmer.Fit(payload, 128 * 1024, out var trimmed);
        Assert.False(trimmed);
        Assert.Equal("short", JsonNode.Parse(bytes!)!["data"]!["body"]!["message"]!["body"]!.GetValue<string>());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Recurse(int depth) => depth == 0 ? throw new StackOverflowGuardException() : Recurse(depth - 1) + 1;

    private sealed class StackOverflowGuardException() : Exception("deep");

    private static List<string> Methods(JsonNode trace) =>
        [.. trace["frames"]!.AsArray().Select(f => f!["method"]!.GetValue<string>())];
}
