using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>
/// A person's home timeline, keyed by their handle: their own posts and those of the people they follow, delivered
/// when posted (fan-out on write), newest first, the newest <see cref="Timeline.HomeCapacity"/>. Held in memory and
/// rebuilt from the authors' stored pages on activation.
/// </summary>
public interface IHomeTimelineGrain : IGrainWithStringKey
{
    /// <summary>The unexpired posts, newest first. Reads only.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<Activity>> GetActivitiesAsync();

    /// <summary>Adds a post, or replaces it (a reply arrived).</summary>
    Task DeliverAsync(Activity activity);

    /// <summary>Adds the posts of someone just followed.</summary>
    Task DeliverManyAsync(ImmutableArray<Activity> activities);

    /// <summary>Removes the posts of someone unfollowed.</summary>
    Task RemoveAuthorAsync(string handle);

    /// <summary>Removes reclaimed (expired) posts.</summary>
    Task RemoveAsync(ImmutableArray<Guid> uuids);
}
