using System.Collections.Immutable;
using System.Globalization;
using Cruddur.Grains.Models;
using Cruddur.Grains.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>
/// Reentrant, so that two people following each other at the same moment cannot deadlock and reads never wait behind
/// a fan-out; every change of state goes through <see cref="UpdateAsync"/>, one at a time.
/// </summary>
[Reentrant]
public sealed partial class UserGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    [PersistentState("user", GrainStorage.Name)] IPersistentState<UserState> state,
    ILogger<UserGrain> logger)
    : Grain, IUserGrain, IRemindable
{
    public const string ReclaimReminder = "reclaim-expired";

    /// <summary>How often expired posts are looked for while a person has any.</summary>
    public static readonly TimeSpan ReclaimPeriod = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _writes = new(1, 1);

    private string Handle => this.GetPrimaryKeyString();

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(KnownOrLeaving() ? Profile(state.State) : null);

    public async Task<UserProfile> EnsureAsync()
    {
        if (!state.State.Exists)
        {
            await UpdateAsync(Created);
        }

        return Profile(state.State);
    }

    public Task<ImmutableArray<Activity>> GetActivitiesAsync()
    {
        // The original opened an X-Ray subsegment "mock-data" with metadata {now, results-size} here.
        using var span = GrainDiagnostics.Source.StartActivity("mock-data");
        var now = time.GetUtcNow();
        span?.SetTag("now", now.ToString("O", CultureInfo.InvariantCulture));
        var results = KnownOrLeaving() ? Timeline.Live(state.State.Posts, now) : [];
        span?.SetTag("results-size", results.Length);
        return Task.FromResult(results);
    }

    public Task<ImmutableArray<string>> GetFollowingAsync() =>
        Task.FromResult(KnownOrLeaving() ? [.. state.State.Following] : ImmutableArray<string>.Empty);

    public Task<ImmutableArray<Activity>> GetNotificationsAsync() =>
        Task.FromResult(KnownOrLeaving() ? Timeline.Live(state.State.Notifications, time.GetUtcNow()) : []);

    public async Task<Activity> PostAsync(string message, string ttl)
    {
        if (!Ttl.TryParse(ttl, out var lifetime))
        {
            throw new ArgumentException($"Unknown ttl '{ttl}'.", nameof(ttl));
        }

        using var span = GrainDiagnostics.Source.StartActivity("create-activity");
        span?.SetTag("app.ttl", ttl);
        var now = time.GetUtcNow();
        var author = await EnsureAsync();
        var activity = new Activity(Guid.NewGuid(), Handle, author.DisplayName, message, now, now + lifetime,
            LikesCount: 0, RepliesCount: 0, RepostsCount: 0, Replies: []);

        await GrainFactory.GetGrain<IActivityGrain>(activity.Uuid).CreateAsync(activity);
        await EnsureReclaimScheduledAsync();
        await UpdateAsync(s => s with { Posts = Timeline.Insert(s.Posts, activity, now, Timeline.PageCapacity) });

        var followers = state.State.Followers;
        await FanOutAsync(activity, followers);
        span?.SetTag("app.followers", followers.Count);
        span?.SetTag("app.result_length", followers.Count + 1);
        LogCreateActivity(logger, activity.Uuid, ttl, followers.Count);
        return activity;
    }

    public async Task ActivityRepliedAsync(Activity updated)
    {
        var now = time.GetUtcNow();
        var reply = updated.Replies.IsEmpty ? null : updated.Replies[^1];
        await UpdateAsync(s => s with
        {
            Posts = Timeline.Insert(s.Posts, updated, now, Timeline.PageCapacity),
            // A reply by someone else is a notification event; the author's own reply only refreshes the copy.
            Notifications = reply is not null && reply.Handle != Handle
                ? Timeline.ToFront(s.Notifications, updated, now, Timeline.PageCapacity)
                : Timeline.Replace(s.Notifications, updated),
        });
        await FanOutAsync(updated, state.State.Followers);
    }

    public async Task<FollowOutcome> FollowAsync(string handle)
    {
        if (handle == Handle)
        {
            return FollowOutcome.Self;
        }

        await EnsureAsync();
        var followee = await GrainFactory.GetGrain<IUserGrain>(handle).AddFollowerAsync(Handle);
        if (!followee.Exists)
        {
            return FollowOutcome.UnknownUser;
        }

        await UpdateAsync(s => s with { Following = s.Following.Add(handle) });
        await GrainFactory.GetGrain<IHomeTimelineGrain>(Handle).DeliverManyAsync(followee.Posts);
        return FollowOutcome.Done;
    }

    public async Task<FollowOutcome> UnfollowAsync(string handle)
    {
        if (handle == Handle)
        {
            return FollowOutcome.Self;
        }

        if (!await GrainFactory.GetGrain<IUserGrain>(handle).RemoveFollowerAsync(Handle))
        {
            return FollowOutcome.UnknownUser;
        }

        if (state.State.Following.Contains(handle))
        {
            await UpdateAsync(s => s with { Following = s.Following.Remove(handle) });
        }

        await GrainFactory.GetGrain<IHomeTimelineGrain>(Handle).RemoveAuthorAsync(handle);
        return FollowOutcome.Done;
    }

    public async Task<Followee> AddFollowerAsync(string follower)
    {
        if (!state.State.Exists)
        {
            return new Followee(false, []);
        }

        if (!state.State.Followers.Contains(follower))
        {
            await UpdateAsync(s => s with { Followers = s.Followers.Add(follower) });
        }

        return new Followee(true, Timeline.Live(state.State.Posts, time.GetUtcNow()));
    }

    public async Task<bool> RemoveFollowerAsync(string follower)
    {
        if (!state.State.Exists)
        {
            return false;
        }

        if (state.State.Followers.Contains(follower))
        {
            await UpdateAsync(s => s with { Followers = s.Followers.Remove(follower) });
        }

        return true;
    }

    public async Task SeedAsync(UserSeed seed)
    {
        await EnsureReclaimScheduledAsync();
        await UpdateAsync(s => s with
        {
            Exists = true,
            DisplayName = seed.DisplayName,
            Following = [.. seed.Following],
            Followers = [.. seed.Followers],
            Posts = [.. seed.Posts],
            Notifications = [.. seed.Notifications],
        });
    }

    /// <summary>
    /// Reclaims the storage of expired posts: the post grains are cleared, and the copies on this page, in the
    /// notifications, in the search index and in the followers' home timelines are removed. Runs on the reminder
    /// <see cref="ReclaimReminder"/> while this person has posts; judged by the injected clock.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReclaimReminder)
        {
            return;
        }

        var now = time.GetUtcNow();
        var expired = state.State.Posts.Where(p => !Timeline.IsLive(p, now)).Select(p => p.Uuid).ToImmutableArray();
        if (!expired.IsEmpty)
        {
            await Task.WhenAll(expired.Select(uuid => GrainFactory.GetGrain<IActivityGrain>(uuid).ReclaimAsync()));
            await GrainFactory.GetGrain<ISearchGrain>(0).RemoveAsync(expired);
            await Task.WhenAll(state.State.Followers.Append(Handle)
                .Select(h => GrainFactory.GetGrain<IHomeTimelineGrain>(h).RemoveAsync(expired)));
        }

        if (!expired.IsEmpty || state.State.Notifications.Any(n => !Timeline.IsLive(n, now)))
        {
            await UpdateAsync(s => s with
            {
                Posts = Timeline.Live(s.Posts, now),
                Notifications = Timeline.Live(s.Notifications, now),
            });
        }

        if (state.State.Posts.IsEmpty && state.State.ReclaimScheduled)
        {
            var reminder = await this.GetReminder(ReclaimReminder);
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }

            await UpdateAsync(s => s with { ReclaimScheduled = false });
        }
    }

    private async Task EnsureReclaimScheduledAsync()
    {
        if (!state.State.ReclaimScheduled)
        {
            await this.RegisterOrUpdateReminder(ReclaimReminder, ReclaimPeriod, ReclaimPeriod);
            await UpdateAsync(s => s with { ReclaimScheduled = true });
        }
    }

    /// <summary>Delivers to the author's own home timeline, every follower's, and the search index, all at once.</summary>
    private Task FanOutAsync(Activity activity, ImmutableSortedSet<string> followers)
    {
        var deliveries = new List<Task>(followers.Count + 2)
        {
            GrainFactory.GetGrain<IHomeTimelineGrain>(Handle).DeliverAsync(activity),
            GrainFactory.GetGrain<ISearchGrain>(0).IndexAsync(activity),
        };
        foreach (var follower in followers)
        {
            deliveries.Add(GrainFactory.GetGrain<IHomeTimelineGrain>(follower).DeliverAsync(activity));
        }

        return Task.WhenAll(deliveries);
    }

    private async Task UpdateAsync(Func<UserState, UserState> change)
    {
        await _writes.WaitAsync();
        try
        {
            var current = state.State;
            var next = change(current.Exists ? current : Created(current));
            if (!ReferenceEquals(next, current))
            {
                await state.WriteAsync(next, logger, () => DeactivateOnIdle());
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Whether this person exists. A read of a handle nobody has used stores nothing and leaves nothing behind: the
    /// activation goes as soon as it is idle, so a flood of random handles does not grow the silo.
    /// </summary>
    private bool KnownOrLeaving()
    {
        if (state.State.Exists)
        {
            return true;
        }

        DeactivateOnIdle();
        return false;
    }

    private UserState Created(UserState current) =>
        current.Exists ? current : current with { Exists = true, DisplayName = Handle };

    private UserProfile Profile(UserState s) =>
        new(Handle, s.DisplayName, s.Followers.Count, s.Following.Count, Timeline.Live(s.Posts, time.GetUtcNow()).Length);

    [LoggerMessage(Level = LogLevel.Information, Message = "CreateActivity {ActivityUuid} ttl {Ttl} to {Followers} followers")]
    private static partial void LogCreateActivity(ILogger logger, Guid activityUuid, string ttl, int followers);
}
