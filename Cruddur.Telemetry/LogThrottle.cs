using System.Collections.Concurrent;

namespace Cruddur.Telemetry;

/// <summary>
/// One log line per distinct failure per interval, carrying how many times it happened, instead of one per request:
/// an outage under load would otherwise write a line per failed request to every log sink (and CloudWatch bills per
/// line). Keys must be few (exception types, state types), never request data.
/// </summary>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts one occurrence of <paramref name="key"/>. Returns how many occurrences the line due now stands for (the
    /// first one at once, then the ones held back since), or 0 when no line is due.
    /// </summary>
    public int Count(string key)
    {
        var window = _windows.GetOrAdd(key, static _ => new Window());
        var now = time.GetTimestamp();
        lock (window)
        {
            window.Pending++;
            if (window.LastLine is { } last && time.GetElapsedTime(last, now) < interval)
            {
                return 0;
            }

            var count = window.Pending;
            window.Pending = 0;
            window.LastLine = now;
            return count;
        }
    }

    private sealed class Window
    {
        public int Pending;
        public long? LastLine;
    }
}
