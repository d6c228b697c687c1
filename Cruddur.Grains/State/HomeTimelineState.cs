using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains.State;

/// <summary>A home timeline in grain storage: copies of delivered posts, newest first, at most <see cref="Timeline.HomeCapacity"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record HomeTimelineState
{
    [Id(0)] public ImmutableArray<Activity> Activities { get; init; } = [];
}
