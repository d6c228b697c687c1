using System.Collections.Immutable;

namespace Cruddur.Grains.State;

/// <summary>What the search index keeps in storage: who has posted. The posts themselves are read from them on activation.</summary>
[GenerateSerializer, Immutable]
public sealed record SearchState
{
    [Id(0)] public ImmutableSortedSet<string> Authors { get; init; } = ImmutableSortedSet<string>.Empty;
}
