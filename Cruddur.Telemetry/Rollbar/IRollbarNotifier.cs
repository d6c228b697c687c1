namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Explicit reports to Rollbar. Calls never block and never throw; with no <c>ROLLBAR_ACCESS_TOKEN</c> they do nothing.
/// Each returns the item's uuid, or null when nothing was queued (off, already reported, or shut down). A call only
/// captures (the exception, the request's copied fields, the level, the current trace ids, a copy of
/// <c>custom</c>) and enqueues; the item is built — stack frames, scrubbing, JSON — and sent on the Rollbar
/// sender's background loop, so a report costs a request almost nothing.
/// </summary>
public interface IRollbarNotifier
{
    bool Enabled { get; }

    /// <summary>Reports <paramref name="exception"/> unless it was already reported (here or by a silo) and marks it reported.</summary>
    string? Report(Exception exception, string level = RollbarLevel.Error, RollbarRequest? request = null,
        IReadOnlyDictionary<string, string?>? custom = null, string? context = null);

    /// <summary>A message item, like the original's <c>rollbar.report_message('Hello World!', 'warning')</c>.</summary>
    string? Message(string text, string level = RollbarLevel.Info, RollbarRequest? request = null,
        IReadOnlyDictionary<string, string?>? custom = null);
}
