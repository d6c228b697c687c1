using System.Collections.Immutable;
using System.Globalization;
using Cruddur.Grains.Models;
using Cruddur.Grains.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed partial class HomeTimelineGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    [PersistentState("home", GrainStorage.Name)] IPersistentState<HomeTimelineState> state,
    ILogger<HomeTimelineGrain> logger)
    : Grain, IHomeTimelineGrain
{
    public Task<ImmutableArray<Activity>> GetActivitiesAsync()
    {
        // The original's span name and attributes, kept so boards built on it keep working.
        using var span = GrainDiagnostics.Source.StartActivity("home-activities-mock-data");
        var now = time.GetUtcNow();
        span?.SetTag("app.now", now.ToString("O", CultureInfo.InvariantCulture));

        if (!state.RecordExists)
        {
            DeactivateOnIdle(); // an empty timeline (a reader nobody delivered to) is not kept in memory
        }

        var results = Timeline.Live(state.State.Activities, now);
        span?.SetTag("app.result_length", results.Length);
        LogHomeActivities(logger);
        return Task.FromResult(results);
    }

    public Task DeliverAsync(Activity activity) => DeliverManyAsync([activity]);

    public Task DeliverManyAsync(ImmutableArray<Activity> activities) =>
        activities.IsEmpty ? Task.CompletedTask : StoreAsync(Timeline.Upsert(state.State.Activities, activities, time.GetUtcNow(), Timeline.HomeCapacity));

    public Task RemoveAuthorAsync(string handle) =>
        StoreAsync(Timeline.Without(state.State.Activities, a => a.Handle == handle));

    public Task RemoveAsync(ImmutableArray<Guid> uuids) =>
        StoreAsync(Timeline.Without(state.State.Activities, a => uuids.Contains(a.Uuid)));

    private Task StoreAsync(ImmutableArray<Activity> activities) =>
        activities == state.State.Activities
            ? Task.CompletedTask
            : state.WriteAsync(state.State with { Activities = activities }, logger, DeactivateOnIdle);

    [LoggerMessage(Level = LogLevel.Information, Message = "HomeActivities")]
    private static partial void LogHomeActivities(ILogger logger);
}
