using System.Collections.Immutable;

namespace Cruddur.Grains.Models;

/// <summary>A seeded person: display name, graph, posts and notifications, written once on an empty store.</summary>
[GenerateSerializer, Immutable]
public sealed record UserSeed(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] ImmutableArray<string> Following,
    [property: Id(2)] ImmutableArray<string> Followers,
    [property: Id(3)] ImmutableArray<Activity> Posts,
    [property: Id(4)] ImmutableArray<Activity> Notifications);
