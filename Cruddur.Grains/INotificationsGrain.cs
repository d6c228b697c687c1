using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>Notifications for a viewer, keyed like <see cref="IHomeTimelineGrain"/>.</summary>
public interface INotificationsGrain : IGrainWithStringKey
{
    Task<ImmutableArray<Activity>> GetNotificationsAsync();
}
