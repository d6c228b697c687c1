using System.Collections.Immutable;
using System.Globalization;
using Cruddur.Grains.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

/// <summary>
/// A home timeline is derived data: every post in it is stored, once, by its author's grain. So the timeline keeps its
/// posts in memory only — a delivery is an in-memory insert, not a storage write — and an activation rebuilds it from
/// the pages of its owner and the people they follow (a read: nothing is written). Within a silo the posts are shared
/// immutable objects, so a thousand timelines holding one post hold one copy of it.
/// </summary>
public sealed partial class HomeTimelineGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    ILogger<HomeTimelineGrain> logger)
    : Grain, IHomeTimelineGrain
{
    private ImmutableArray<Activity> _activities = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var owner = GrainFactory.GetGrain<IUserGrain>(this.GetPrimaryKeyString());
        var following = await owner.GetFollowingAsync();
        var pages = await Task.WhenAll(following.Select(h => GrainFactory.GetGrain<IUserGrain>(h).GetActivitiesAsync()).Append(owner.GetActivitiesAsync()));
        _activities = Timeline.Upsert([], pages.SelectMany(p => p), time.GetUtcNow(), Timeline.HomeCapacity);
    }

    public Task<ImmutableArray<Activity>> GetActivitiesAsync()
    {
        // The original's span name and attributes, kept so boards built on it keep working.
        using var span = GrainDiagnostics.Source.StartActivity("home-activities-mock-data");
        var now = time.GetUtcNow();
        span?.SetTag("app.now", now.ToString("O", CultureInfo.InvariantCulture));

        if (_activities.IsEmpty)
        {
            DeactivateOnIdle(); // an empty timeline (a reader nobody delivered to) is not kept in memory
        }

        var results = Timeline.Live(_activities, now);
        span?.SetTag("app.result_length", results.Length);
        LogHomeActivities(logger);
        return Task.FromResult(results);
    }

    public Task DeliverAsync(Activity activity)
    {
        _activities = Timeline.Insert(_activities, activity, time.GetUtcNow(), Timeline.HomeCapacity);
        return Task.CompletedTask;
    }

    public Task DeliverManyAsync(ImmutableArray<Activity> activities)
    {
        _activities = Timeline.Upsert(_activities, activities, time.GetUtcNow(), Timeline.HomeCapacity);
        return Task.CompletedTask;
    }

    public Task RemoveAuthorAsync(string handle)
    {
        _activities = Timeline.Without(_activities, a => a.Handle == handle);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(ImmutableArray<Guid> uuids)
    {
        _activities = Timeline.Without(_activities, a => uuids.Contains(a.Uuid));
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HomeActivities")]
    private static partial void LogHomeActivities(ILogger logger);
}
