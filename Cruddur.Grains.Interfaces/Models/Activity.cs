using System.Collections.Immutable;

namespace Cruddur.Grains.Models;

/// <summary>A post ("activity") as the original Cruddur API serves it.</summary>
[GenerateSerializer, Immutable]
public sealed record Activity(
    [property: Id(0)] Guid Uuid,
    [property: Id(1)] string Handle,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Message,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] int LikesCount,
    [property: Id(7)] int RepliesCount,
    [property: Id(8)] int RepostsCount,
    [property: Id(9)] ImmutableArray<Reply> Replies);
