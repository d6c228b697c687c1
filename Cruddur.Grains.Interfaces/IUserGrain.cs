using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>
/// A person, keyed by handle (lower case, without the <c>@</c>): profile, who they follow and who follows them, the
/// posts they wrote (the source of their page), and their notifications. A post starts here and fans out from here.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Null when nobody has used this handle yet.</summary>
    [AlwaysInterleave]
    Task<UserProfile?> GetProfileAsync();

    /// <summary>The profile, creating the person (display name = handle) the first time they act.</summary>
    Task<UserProfile> EnsureAsync();

    /// <summary>Their unexpired posts, newest first (empty for an unknown handle). Reads only.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<Activity>> GetActivitiesAsync();

    /// <summary>Who they follow (empty for an unknown handle). Reads only.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<string>> GetFollowingAsync();

    /// <summary>Their posts that got replies, newest event first. Reads only.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<Activity>> GetNotificationsAsync();

    /// <summary>Stores a new post and delivers it to their own and every follower's home timeline before answering.</summary>
    Task<Activity> PostAsync(string message, string ttl);

    /// <summary>A post of theirs got a reply: their page, notifications and followers' timelines show it.</summary>
    Task ActivityRepliedAsync(Activity updated);

    Task<FollowOutcome> FollowAsync(string handle);

    Task<FollowOutcome> UnfollowAsync(string handle);

    /// <summary>Called by a new follower's grain; answers with the posts the follower's home timeline should gain.</summary>
    Task<Followee> AddFollowerAsync(string follower);

    /// <summary>Called by a leaving follower's grain; false when this person does not exist.</summary>
    Task<bool> RemoveFollowerAsync(string follower);

    /// <summary>Writes a seeded person (<see cref="SeedGrain"/>), on an empty store only.</summary>
    Task SeedAsync(UserSeed seed);
}
