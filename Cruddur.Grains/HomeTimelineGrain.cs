using System.Collections.Immutable;
using System.Globalization;
using Cruddur.Grains.Models;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed partial class HomeTimelineGrain(TimeProvider time, ILogger<HomeTimelineGrain> logger)
    : Grain, IHomeTimelineGrain
{
    public Task<ImmutableArray<Activity>> GetActivitiesAsync()
    {
        using var span = GrainDiagnostics.Source.StartActivity("home-activities-mock-data");
        var now = time.GetUtcNow();
        span?.SetTag("app.now", now.ToString("O", CultureInfo.InvariantCulture));

        var results = SeedData.Home(now);
        span?.SetTag("app.result_length", results.Length);
        LogHomeActivities(logger);
        return Task.FromResult(results);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HomeActivities")]
    private static partial void LogHomeActivities(ILogger logger);
}
