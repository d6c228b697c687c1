using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>The home timeline a viewer sees, keyed by the viewer (<see cref="PublicTimeline"/> when anonymous).</summary>
public interface IHomeTimelineGrain : IGrainWithStringKey
{
    public const string PublicTimeline = "public";

    Task<ImmutableArray<Activity>> GetActivitiesAsync();
}
