namespace Cruddur.Grains.Models;

/// <summary>What a user's activity grain keeps in grain storage (Redis in the compose cluster).</summary>
[GenerateSerializer]
public sealed class UserActivityState
{
    /// <summary>How often the user's activities were served: a profile-view counter.</summary>
    [Id(0)] public long ProfileViews { get; set; }
}
