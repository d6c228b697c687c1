using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Orleans.Concurrency;

namespace Cruddur.Grains;

[StatelessWorker]
public sealed class SearchGrain(TimeProvider time) : Grain, ISearchGrain
{
    public Task<ImmutableArray<Activity>> SearchAsync(string term)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(term);
        var needle = term.Trim();
        var found = SeedData.All(time.GetUtcNow())
            .Where(a => a.Message.Contains(needle, StringComparison.OrdinalIgnoreCase)
                     || a.Handle.Contains(needle, StringComparison.OrdinalIgnoreCase)
                     || a.DisplayName.Contains(needle, StringComparison.OrdinalIgnoreCase))
            .ToImmutableArray();
        return Task.FromResult(found);
    }
}
