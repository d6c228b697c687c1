using Cruddur.Grains;
using Orleans.Storage;

namespace Cruddur.Silo;

/// <summary>
/// Wraps the Redis grain storage so that every way it can fail (a read while activating a grain, a write, a clear)
/// reaches the caller as <see cref="StorageUnavailableException"/>, a type the gateway knows and answers with 503 —
/// not as a Redis client type the gateway cannot even load. An ETag conflict stays what it is: the grain deactivates
/// and the next call reads afresh.
/// </summary>
internal sealed class UnavailableOnFailureStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(inner.ReadStateAsync(stateName, grainId, grainState), "read", stateName);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(inner.WriteStateAsync(stateName, grainId, grainState), "written", stateName);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(inner.ClearStateAsync(stateName, grainId, grainState), "cleared", stateName);

    private static async Task Guard(Task operation, string verb, string stateName)
    {
        try
        {
            await operation;
        }
        catch (Exception exception) when (exception is not (InconsistentStateException or StorageUnavailableException))
        {
            throw new StorageUnavailableException($"Grain state '{stateName}' could not be {verb}: {exception.GetType().Name}.");
        }
    }
}
