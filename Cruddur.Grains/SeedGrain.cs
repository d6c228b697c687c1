using Cruddur.Grains.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed partial class SeedGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    [PersistentState("seed", GrainStorage.Name)] IPersistentState<SeedState> state,
    ILogger<SeedGrain> logger)
    : Grain, ISeedGrain
{
    public async Task<bool> EnsureSeededAsync()
    {
        if (state.State.Seeded)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var posts = SeedData.Posts(now);
        await Task.WhenAll(posts.Select(p => GrainFactory.GetGrain<IActivityGrain>(p.Uuid).CreateAsync(p)));
        await Task.WhenAll(SeedData.Users(now).Select(u => GrainFactory.GetGrain<IUserGrain>(u.Handle).SeedAsync(u.Seed)));
        foreach (var post in posts)
        {
            await GrainFactory.GetGrain<ISearchGrain>(0).IndexAsync(post);
        }

        await state.WriteAsync(state.State with { Seeded = true }, logger);
        LogSeeded(logger, SeedData.People.Length, posts.Length);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded an empty store: {People} people, {Posts} posts")]
    private static partial void LogSeeded(ILogger logger, int people, int posts);
}
