namespace Cruddur.Gateway.Hosting;

/// <summary>
/// Orleans tells the client when it loses a connection to a silo's gateway (<see cref="IClusterConnectionStatusObserver"/>).
/// <see cref="Lost"/> completes at the next such loss; <see cref="FailFastOnConnectionLossFilter"/> uses it so that
/// calls in flight at that moment fail at once instead of waiting for the response timeout.
/// </summary>
internal sealed partial class ClusterConnection(ILogger<ClusterConnection> logger, TimeProvider time) : IClusterConnectionStatusObserver
{
    /// <summary>
    /// How long calls in flight at a connection loss may still finish. A silo that stops gracefully answers what it
    /// took before it closes its connections, and calls through the other silos are unaffected; only calls that will
    /// never be answered (the silo was killed) are still waiting after this.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes <see cref="Grace"/> after a gateway connection is lost, for calls started before the loss.</summary>
    public Task Lost => Volatile.Read(ref _lost).Task;

    public void NotifyClusterConnectionLost()
    {
        LogLost(logger);
        Signal();
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        LogGateways(logger, currentNumberOfGateways, previousNumberOfGateways);
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Signal();
        }
    }

    private void Signal()
    {
        var lost = Interlocked.Exchange(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _ = Task.Delay(Grace, time).ContinueWith(static (_, state) => ((TaskCompletionSource)state!).TrySetResult(), lost,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the cluster")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Gateways} silo gateway(s) (was {Previous})")]
    private static partial void LogGateways(ILogger logger, int gateways, int previous);
}

/// <summary>
/// Every grain call the gateway makes ends soon after its connection is lost: a call still waiting
/// <see cref="ClusterConnection.Grace"/> after a silo gateway connection dropped (the silo was killed or cut off)
/// fails with <see cref="SiloUnavailableException"/> — a 503 — instead of holding the request for
/// <c>Orleans:ResponseTimeout</c>. A silo that stalls without dropping its connection still ends at that timeout.
/// </summary>
internal sealed class FailFastOnConnectionLossFilter(ClusterConnection connection) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var lost = connection.Lost;
        var call = context.Invoke();
        if (call.IsCompleted || await Task.WhenAny(call, lost).ConfigureAwait(false) == call)
        {
            await call.ConfigureAwait(false);
            return;
        }

        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        throw new SiloUnavailableException($"The connection to the cluster was lost during {context.InterfaceName}.{context.MethodName}.");
    }
}
