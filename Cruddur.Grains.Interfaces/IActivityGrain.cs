using Cruddur.Grains.Models;
using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>One post and its replies, keyed by the post's uuid: what <c>/api/activities/{uuid}</c> shows and replies go to.</summary>
public interface IActivityGrain : IGrainWithGuidKey
{
    Task CreateAsync(Activity activity);

    /// <summary>Null when unknown or expired. Reads only.</summary>
    [AlwaysInterleave]
    Task<Activity?> GetAsync();

    /// <summary>Stores the reply and shows it wherever the post is shown before answering; null when the post is unknown or expired.</summary>
    Task<Reply?> ReplyAsync(Person author, string message);

    /// <summary>Frees the storage of an expired post.</summary>
    Task ReclaimAsync();
}
