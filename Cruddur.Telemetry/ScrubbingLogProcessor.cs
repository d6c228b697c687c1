using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Telemetry;

/// <summary>
/// The first processor of the logging pipeline: whoever wrote a log record (the framework, Orleans, our code), a URL
/// query in its message, body or string attributes has its secret-looking values masked by <see cref="SecretScrubber"/>
/// before any exporter (OTLP, CloudWatch Logs, Rollbar) sees it. A record with no <c>?…=</c> in it costs one scan.
/// </summary>
public sealed partial class ScrubbingLogProcessor(SecretScrubber? scrubber = null) : BaseProcessor<LogRecord>
{
    private readonly SecretScrubber _scrubber = scrubber ?? new SecretScrubber();

    public override void OnEnd(LogRecord data)
    {
        data.FormattedMessage = Scrub(data.FormattedMessage);
        data.Body = Scrub(data.Body);
        if (data.Attributes is { Count: > 0 } attributes && AnyMayHoldQuery(attributes))
        {
            data.Attributes = [.. attributes.Select(a => a.Value is string s ? new KeyValuePair<string, object?>(a.Key, Scrub(s)) : a)];
        }
    }

    /// <summary>Masks the secret-looking values of every query string in <paramref name="text"/>.</summary>
    public string? Scrub(string? text) =>
        text is not null && MayHoldQuery(text) ? Query().Replace(text, m => _scrubber.ScrubQueryString(m.Value)) : text;

    /// <summary>Whether a string value among <paramref name="values"/> may hold a query; by index, so nothing is allocated.</summary>
    internal static bool AnyMayHoldQuery(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Value is string s && MayHoldQuery(s))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool MayHoldQuery(string text)
    {
        var q = text.IndexOf('?');
        return q >= 0 && text.IndexOf('=', q) > q;
    }

    [GeneratedRegex(@"\?[^\s""'<>]*")]
    private static partial Regex Query();
}
