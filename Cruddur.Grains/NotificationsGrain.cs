using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

public sealed class NotificationsGrain(TimeProvider time) : Grain, INotificationsGrain
{
    public Task<ImmutableArray<Activity>> GetNotificationsAsync() =>
        Task.FromResult(SeedData.Notifications(time.GetUtcNow()));
}
