namespace Cruddur.Grains.Models;

/// <summary>What <c>GET /api/users/@handle</c> answers.</summary>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string Handle,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] int FollowersCount,
    [property: Id(3)] int FollowingCount,
    [property: Id(4)] int ActivitiesCount);
