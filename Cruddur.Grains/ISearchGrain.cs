using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>Searches activities by message or handle. A stateless worker: call it with key 0.</summary>
public interface ISearchGrain : IGrainWithIntegerKey
{
    Task<ImmutableArray<Activity>> SearchAsync(string term);
}
