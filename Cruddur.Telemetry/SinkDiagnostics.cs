using System.Collections.Concurrent;

namespace Cruddur.Telemetry;

/// <summary>
/// A sink's own problems go to standard error, never through the logging pipeline the sink is part of (a sink that
/// logs its failures through itself can loop). Each distinct problem is written once. Registered as a singleton; a
/// test passes its own writer to the instance it builds instead of swapping a process-wide one.
/// </summary>
internal sealed class SinkDiagnostics(TextWriter? output = null)
{
    private readonly ConcurrentDictionary<string, byte> _reported = new();
    private readonly TextWriter _output = output ?? Console.Error;

    /// <summary>Standard error, for code that has no service provider at hand (exporters built by hand, the sampler).</summary>
    public static SinkDiagnostics Default { get; } = new();

    /// <summary>Writes <paramref name="message"/> once per <paramref name="sink"/> and <paramref name="key"/>.</summary>
    public void ReportOnce(string sink, string key, string message)
    {
        if (_reported.TryAdd($"{sink}|{key}", 0))
        {
            _output.WriteLine($"[cruddur-telemetry] {sink}: {message}");
        }
    }
}
