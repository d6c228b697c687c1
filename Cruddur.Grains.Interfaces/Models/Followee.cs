using System.Collections.Immutable;

namespace Cruddur.Grains.Models;

/// <summary>The answer to a new follower: whether the followed person exists, and their posts for the follower's home.</summary>
[GenerateSerializer, Immutable]
public sealed record Followee([property: Id(0)] bool Exists, [property: Id(1)] ImmutableArray<Activity> Posts);
