namespace Cruddur.Telemetry;

/// <summary>Names of the sources and meters the pipeline listens to.</summary>
internal static class TelemetryNames
{
    /// <summary>Our own activity sources (grains, sinks): <c>Cruddur.Grains</c>, ...</summary>
    public const string CruddurSources = "Cruddur.*";

    /// <summary>
    /// Grain calls on application interfaces. <c>Microsoft.Orleans.Runtime</c> is deliberately not listened to:
    /// it floods traces with membership and timer spans.
    /// </summary>
    public const string OrleansApplication = "Microsoft.Orleans.Application";

    /// <summary>Orleans' own meter: grain calls, activations, messaging.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The .NET runtime's built-in meter (GC, thread pool, process memory), .NET 9 and later.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The meter every sink counts its exported, dropped and retried items on.</summary>
    public const string SinkMeter = "Cruddur.Telemetry";
}
