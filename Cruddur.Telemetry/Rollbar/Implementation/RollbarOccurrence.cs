using System.Diagnostics;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>One thing to report: an exception or a message, with what was known where it happened.</summary>
internal sealed record RollbarOccurrence
{
    public required string Level { get; init; }
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Fresh per occurrence: Rollbar discards a second payload with the same uuid, so a retry cannot duplicate.</summary>
    public string Uuid { get; init; } = Guid.NewGuid().ToString();

    public Exception? Exception { get; init; }

    /// <summary>The message of a message item, or the description of an exception item (e.g. the log line).</summary>
    public string? Message { get; init; }

    /// <summary>Rollbar's <c>context</c>: where it happened (<c>UserActivityGrain#GetActivitiesAsync</c>, a logger category).</summary>
    public string? Context { get; init; }

    public RollbarRequest? Request { get; init; }

    public ActivityTraceId TraceId { get; init; }
    public ActivitySpanId SpanId { get; init; }

    /// <summary>Extra <c>custom</c> values (grain, logger, ...). Scrubbed by key like everything else.</summary>
    public IReadOnlyDictionary<string, string?>? Custom { get; init; }
}
