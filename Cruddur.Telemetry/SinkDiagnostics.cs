using System.Collections.Concurrent;

namespace Cruddur.Telemetry;

/// <summary>
/// A sink's own problems go to standard error, never through the logging pipeline the sink is part of
/// (that is how watchtower and AWS.Logger re-entered themselves). Each distinct problem is written once.
/// </summary>
public static class SinkDiagnostics
{
    private static readonly ConcurrentDictionary<string, byte> Reported = new();

    /// <summary>Test hook: where the lines go (standard error by default).</summary>
    public static TextWriter Output { get; set; } = Console.Error;

    /// <summary>Writes <paramref name="message"/> once per <paramref name="sink"/> and <paramref name="key"/>.</summary>
    public static void ReportOnce(string sink, string key, string message)
    {
        if (Reported.TryAdd($"{sink}|{key}", 0))
        {
            Output.WriteLine($"[cruddur-telemetry] {sink}: {message}");
        }
    }
}
