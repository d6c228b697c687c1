using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>The cheapest grain call there is: the gateway's readiness check asks it whether the cluster answers.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    Task PingAsync();
}

[StatelessWorker]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
