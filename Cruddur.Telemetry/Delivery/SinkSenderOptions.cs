namespace Cruddur.Telemetry.Delivery;

/// <summary>What every sink's delivery loop is tuned by; each sink maps its own options onto these.</summary>
internal sealed record SinkSenderOptions
{
    /// <summary>Items held between the exporter and the loop; beyond it the oldest are dropped and counted.</summary>
    public required int QueueCapacity { get; init; }

    /// <summary>Sends of one batch, the first included, before it is dropped and counted.</summary>
    public required int MaxAttempts { get; init; }

    public RetryBackoff Backoff { get; init; } = RetryBackoff.Default;

    /// <summary>The most a shutdown (or a flush without its own time-out) may spend delivering what is queued.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
