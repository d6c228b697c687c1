namespace Cruddur.Telemetry.Delivery;

/// <summary>Exponential back-off with full jitter ("decorrelated" from other instances), capped.</summary>
internal sealed class RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    public static RetryBackoff Default { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20));

    public TimeSpan BaseDelay { get; } = baseDelay;
    public TimeSpan MaxDelay { get; } = maxDelay;

    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based): uniform in [0, min(max, base·2^(attempt-1))].</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * _random());
    }
}
