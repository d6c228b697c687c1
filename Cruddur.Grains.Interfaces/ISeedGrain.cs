namespace Cruddur.Grains;

/// <summary>Seeds the original's people, graph and posts once, on an empty store. One seeder: key 0.</summary>
public interface ISeedGrain : IGrainWithIntegerKey
{
    /// <summary>True when this call seeded; false when the store was seeded before.</summary>
    Task<bool> EnsureSeededAsync();
}
