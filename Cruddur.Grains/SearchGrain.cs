using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Cruddur.Grains.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed class SearchGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    [PersistentState("search", GrainStorage.Name)] IPersistentState<SearchState> state,
    ILogger<SearchGrain> logger)
    : Grain, ISearchGrain
{
    private readonly Dictionary<Guid, Activity> _posts = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var pages = await Task.WhenAll(state.State.Authors.Select(a => GrainFactory.GetGrain<IUserGrain>(a).GetActivitiesAsync()));
        foreach (var post in pages.SelectMany(p => p))
        {
            _posts[post.Uuid] = post;
        }
    }

    public Task<ImmutableArray<Activity>> SearchAsync(string term)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(term);
        var needle = term.Trim();
        var now = time.GetUtcNow();
        var found = _posts.Values
            .Where(a => Timeline.IsLive(a, now)
                     && (a.Message.Contains(needle, StringComparison.OrdinalIgnoreCase)
                         || a.Handle.Contains(needle, StringComparison.OrdinalIgnoreCase)
                         || a.DisplayName.Contains(needle, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        found.Sort(Timeline.NewestFirst);
        return Task.FromResult(found.ToImmutableArray());
    }

    public async Task IndexAsync(Activity activity)
    {
        _posts[activity.Uuid] = activity;
        if (!state.State.Authors.Contains(activity.Handle))
        {
            await state.WriteAsync(state.State with { Authors = state.State.Authors.Add(activity.Handle) }, logger, DeactivateOnIdle);
        }
    }

    public Task RemoveAsync(ImmutableArray<Guid> uuids)
    {
        foreach (var uuid in uuids)
        {
            _posts.Remove(uuid);
        }

        return Task.CompletedTask;
    }
}
