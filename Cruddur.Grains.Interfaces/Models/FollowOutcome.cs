namespace Cruddur.Grains.Models;

/// <summary>What a follow or unfollow did.</summary>
[GenerateSerializer]
public enum FollowOutcome
{
    Done = 0,
    UnknownUser = 1,
    Self = 2,
}
