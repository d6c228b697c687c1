using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>The activities one user posted, keyed by the user's handle (without the <c>@</c>).</summary>
public interface IUserActivityGrain : IGrainWithStringKey
{
    /// <summary>The user's posts; each call also counts a profile view in grain storage.</summary>
    Task<ImmutableArray<Activity>> GetActivitiesAsync();

    /// <summary>How often the posts were served, across activations and silos (persisted state).</summary>
    Task<long> GetProfileViewsAsync();
}
