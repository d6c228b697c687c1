using System.Collections.Immutable;
using System.Globalization;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

public sealed class UserActivityGrain(
    TimeProvider time,
    [PersistentState("user-activity", UserActivityGrain.StorageName)] IPersistentState<UserActivityState> state)
    : Grain, IUserActivityGrain
{
    /// <summary>The grain storage provider's name; silos register it (memory by default, Redis in the cluster).</summary>
    public const string StorageName = "activities";

    public async Task<ImmutableArray<Activity>> GetActivitiesAsync()
    {
        // The original opened an X-Ray subsegment "mock-data" with metadata {now, results-size}.
        ImmutableArray<Activity> results;
        using (var span = GrainDiagnostics.Source.StartActivity("mock-data"))
        {
            var now = time.GetUtcNow();
            span?.SetTag("now", now.ToString("O", CultureInfo.InvariantCulture));
            results = SeedData.PostsBy(this.GetPrimaryKeyString(), now);
            span?.SetTag("results-size", results.Length);
        }

        state.State.ProfileViews++;
        await state.WriteStateAsync();
        return results;
    }

    public Task<long> GetProfileViewsAsync() => Task.FromResult(state.State.ProfileViews);
}
