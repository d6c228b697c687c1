using Orleans;

namespace Cruddur.Gateway.Hosting;

/// <summary>
/// At start-up the gateway waits for a silo instead of exiting, so the processes can start in any order.
/// It logs each failed attempt once and retries with a capped back-off until the host stops.
/// </summary>
internal sealed partial class WaitForClusterRetryFilter(ILogger<WaitForClusterRetryFilter> logger, TimeProvider time)
    : IClientConnectionRetryFilter
{
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempt);
        var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, Math.Min(attempt, 10))));
        LogWaiting(logger, attempt, delay.TotalMilliseconds, exception.GetType().Name);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Cluster not reachable yet (attempt {Attempt}, {Reason}); retrying in {DelayMs} ms")]
    private static partial void LogWaiting(ILogger logger, int attempt, double delayMs, string reason);
}
