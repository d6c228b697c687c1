using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains.State;

/// <summary>A person in grain storage: profile, graph, own posts (newest first) and notifications (newest event first).</summary>
[GenerateSerializer, Immutable]
public sealed record UserState
{
    [Id(0)] public bool Exists { get; init; }
    [Id(1)] public string DisplayName { get; init; } = "";
    [Id(2)] public ImmutableSortedSet<string> Followers { get; init; } = ImmutableSortedSet<string>.Empty;
    [Id(3)] public ImmutableSortedSet<string> Following { get; init; } = ImmutableSortedSet<string>.Empty;
    [Id(4)] public ImmutableArray<Activity> Posts { get; init; } = [];
    [Id(5)] public ImmutableArray<Activity> Notifications { get; init; } = [];
    /// <summary>Whether the reminder that reclaims expired posts is registered.</summary>
    [Id(6)] public bool ReclaimScheduled { get; init; }
}
