using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>The activities one user posted, keyed by the user's handle (without the <c>@</c>).</summary>
public interface IUserActivityGrain : IGrainWithStringKey
{
    Task<ImmutableArray<Activity>> GetActivitiesAsync();
}
