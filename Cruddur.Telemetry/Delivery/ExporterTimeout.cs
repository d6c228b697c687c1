namespace Cruddur.Telemetry.Delivery;

internal static class ExporterTimeout
{
    /// <summary>A <c>BaseExporter</c> <c>timeoutMilliseconds</c> as a time-out: <see cref="Timeout.Infinite"/> (or any negative) = none.</summary>
    public static TimeSpan From(int milliseconds) =>
        milliseconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(milliseconds);
}
