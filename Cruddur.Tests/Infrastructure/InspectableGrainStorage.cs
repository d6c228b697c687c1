using System.Collections.Concurrent;
using Orleans.Storage;

namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// Grain storage in memory whose contents a test can look at: which grains have a stored record, and what it holds.
/// Records are the grains' immutable state objects, kept by reference.
/// </summary>
public sealed class InspectableGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), (object? State, string ETag)> _records = new();
    private long _version;

    public bool Has(string stateName, GrainId grainId) => _records.ContainsKey((stateName, grainId));

    public T? Get<T>(string stateName, GrainId grainId) =>
        _records.TryGetValue((stateName, grainId), out var record) ? (T?)record.State : default;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = (T)record.State!;
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Interlocked.Increment(ref _version).ToString();
        _records[(stateName, grainId)] = (grainState.State, etag);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _records.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
