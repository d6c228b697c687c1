using System.Collections.Immutable;
using System.Globalization;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

public sealed class UserActivityGrain(TimeProvider time) : Grain, IUserActivityGrain
{
    public Task<ImmutableArray<Activity>> GetActivitiesAsync()
    {
        // The original opened an X-Ray subsegment "mock-data" with metadata {now, results-size}.
        using var span = GrainDiagnostics.Source.StartActivity("mock-data");
        var now = time.GetUtcNow();
        span?.SetTag("now", now.ToString("O", CultureInfo.InvariantCulture));

        var results = SeedData.PostsBy(this.GetPrimaryKeyString(), now);
        span?.SetTag("results-size", results.Length);
        return Task.FromResult(results);
    }
}
