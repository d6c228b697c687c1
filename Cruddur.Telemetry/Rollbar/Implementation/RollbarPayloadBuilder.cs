using System.Diagnostics;
using System.Text.Json.Nodes;
using Cruddur.Telemetry.Text;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Builds the item JSON (<c>{"data": {...}}</c>, Rollbar's items API) from an occurrence, scrubbed.
/// Exceptions become <c>body.trace</c>, or <c>body.trace_chain</c> (outer first, then inners) when they have inner
/// exceptions; frames are oldest call first.
/// </summary>
internal sealed class RollbarPayloadBuilder(RollbarOptions options, string? serviceName, string? serviceVersion)
{
    public const string NotifierName = "cruddur-rollbar";
    private const int MaxChain = 16;
    private static readonly string NotifierVersion =
        typeof(RollbarPayloadBuilder).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    private readonly SecretScrubber _scrubber = new(options.ScrubFields);

    public SecretScrubber Scrubber => _scrubber;

    public JsonObject Build(RollbarOccurrence occurrence)
    {
        var codeVersion = Truncate(options.CodeVersion ?? serviceVersion, 40);
        var data = new JsonObject
        {
            ["environment"] = Truncate(options.Environment, 255),
            ["level"] = occurrence.Level,
            ["timestamp"] = occurrence.Timestamp.ToUnixTimeSeconds(),
            ["uuid"] = occurrence.Uuid,
            ["platform"] = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux",
            ["language"] = "csharp",
            ["framework"] = options.Framework,
            ["body"] = Body(occurrence),
            ["server"] = new JsonObject
            {
                ["host"] = options.ServerHost,
                ["root"] = options.ServerRoot,
                ["code_version"] = codeVersion,
            },
            ["notifier"] = new JsonObject { ["name"] = NotifierName, ["version"] = NotifierVersion },
            ["custom"] = Custom(occurrence),
        };
        if (codeVersion is not null)
        {
            data["code_version"] = codeVersion;
        }

        if (occurrence.Context is { } context)
        {
            data["context"] = Truncate(context, 255);
        }

        if (occurrence.Request is { } request)
        {
            data["request"] = Request(request);
        }

        _scrubber.Scrub(data);
        return new JsonObject { ["data"] = data };
    }

    private static JsonObject Body(RollbarOccurrence occurrence)
    {
        if (occurrence.Exception is not { } exception)
        {
            return new JsonObject { ["message"] = new JsonObject { ["body"] = occurrence.Message ?? string.Empty } };
        }

        var chain = Chain(exception);
        if (chain.Count == 1)
        {
            return new JsonObject { ["trace"] = Trace(chain[0], occurrence.Message) };
        }

        var traces = new JsonArray();
        for (var i = 0; i < chain.Count; i++)
        {
            traces.Add(Trace(chain[i], i == 0 ? occurrence.Message : null));
        }

        return new JsonObject { ["trace_chain"] = traces };
    }

    /// <summary>Outer first, then inner exceptions depth-first (all of an AggregateException's), no cycles, bounded.</summary>
    internal static List<Exception> Chain(Exception exception)
    {
        var result = new List<Exception>();
        var seen = new HashSet<Exception>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.Count > 0 && result.Count < MaxChain)
        {
            var current = pending.Pop();
            if (!seen.Add(current))
            {
                continue;
            }

            result.Add(current);
            IEnumerable<Exception> inners = current is AggregateException aggregate
                ? aggregate.InnerExceptions
                : current.InnerException is { } inner ? [inner] : [];
            foreach (var next in inners.Reverse())
            {
                pending.Push(next);
            }
        }

        return result;
    }

    private static JsonObject Trace(Exception exception, string? description)
    {
        var details = new JsonObject
        {
            ["class"] = exception.GetType().FullName ?? exception.GetType().Name,
            ["message"] = exception.Message,
        };
        if (!string.IsNullOrEmpty(description) && description != exception.Message)
        {
            details["description"] = description;
        }

        return new JsonObject { ["frames"] = RollbarStackFrames.From(exception), ["exception"] = details };
    }

    private JsonObject Custom(RollbarOccurrence occurrence)
    {
        var custom = new JsonObject();
        if (occurrence.TraceId != default)
        {
            var traceId = occurrence.TraceId.ToHexString();
            custom["trace_id"] = traceId;
            custom["xray_trace_id"] = TraceIds.ToXRay(traceId);
        }

        if (occurrence.SpanId != default)
        {
            custom["span_id"] = occurrence.SpanId.ToHexString();
        }

        if (serviceName is not null)
        {
            custom["service"] = serviceName;
        }

        if (occurrence.Custom is { } extra)
        {
            foreach (var (key, value) in extra)
            {
                custom[key] = value;
            }
        }

        return custom;
    }

    private JsonObject Request(RollbarRequest request)
    {
        var result = new JsonObject
        {
            ["url"] = _scrubber.ScrubUrl(request.Url),
            ["method"] = request.Method,
            ["headers"] = _scrubber.ScrubHeaders(request.Headers),
        };
        if (!string.IsNullOrEmpty(request.QueryString))
        {
            result["query_string"] = _scrubber.ScrubQueryString(request.QueryString);
            result["GET"] = _scrubber.QueryParameters(request.QueryString);
        }

        if (request.Body is { } body)
        {
            result["body"] = _scrubber.ScrubBody(body);
        }

        if (request.UserIp is { } ip)
        {
            result["user_ip"] = ip;
        }

        return result;
    }

    /// <summary>The ids of the current span, for explicit reports.</summary>
    public static (ActivityTraceId TraceId, ActivitySpanId SpanId) CurrentTrace() =>
        Activity.Current is { } activity ? (activity.TraceId, activity.SpanId) : default;

    private static string? Truncate(string? value, int max) =>
        value is null ? null : TextTruncation.Truncate(value, max);
}
