namespace Cruddur.Grains.Models;

/// <summary>A reply to an <see cref="Activity"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record Reply(
    [property: Id(0)] Guid Uuid,
    [property: Id(1)] Guid ReplyToActivityUuid,
    [property: Id(2)] string Handle,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] string Message,
    [property: Id(5)] int LikesCount,
    [property: Id(6)] int RepliesCount,
    [property: Id(7)] int RepostsCount,
    [property: Id(8)] DateTimeOffset CreatedAt);
