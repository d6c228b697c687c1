using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>
/// The one ordering and expiry rule for every list of posts (home timelines, a person's page, notifications, search):
/// newest first by <c>created_at</c> (uuid breaks ties), and nothing whose <c>expires_at</c> has passed.
/// </summary>
public static class Timeline
{
    /// <summary>A home timeline keeps the newest 200 posts; older ones drop.</summary>
    public const int HomeCapacity = 200;

    /// <summary>A person's page keeps their newest 1,000 unexpired posts.</summary>
    public const int PageCapacity = 1000;

    public static readonly Comparison<Activity> NewestFirst = (a, b) =>
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : a.Uuid.CompareTo(b.Uuid);
    };

    public static bool IsLive(Activity activity, DateTimeOffset now) => activity.ExpiresAt > now;

    /// <summary>The unexpired posts, without copying when none has expired (the common case on a read).</summary>
    public static ImmutableArray<Activity> Live(ImmutableArray<Activity> activities, DateTimeOffset now)
    {
        foreach (var activity in activities)
        {
            if (!IsLive(activity, now))
            {
                return [.. activities.Where(a => IsLive(a, now))];
            }
        }

        return activities;
    }

    /// <summary>Inserts or replaces (by uuid) posts, drops expired ones, sorts newest first and keeps at most <paramref name="capacity"/>.</summary>
    public static ImmutableArray<Activity> Upsert(
        ImmutableArray<Activity> activities, IEnumerable<Activity> incoming, DateTimeOffset now, int capacity)
    {
        var byUuid = new Dictionary<Guid, Activity>(activities.Length + 1);
        foreach (var activity in activities)
        {
            byUuid[activity.Uuid] = activity;
        }

        foreach (var activity in incoming)
        {
            byUuid[activity.Uuid] = activity;
        }

        var merged = byUuid.Values.Where(a => IsLive(a, now)).ToList();
        merged.Sort(NewestFirst);
        return [.. merged.Take(capacity)];
    }

    /// <summary>
    /// One post into a list already in order: the delivery path, so the common case (a new post, newer than everything)
    /// is one copy of the list with the post in front. A post that is already there is replaced in place.
    /// </summary>
    public static ImmutableArray<Activity> Insert(ImmutableArray<Activity> activities, Activity activity, DateTimeOffset now, int capacity)
    {
        for (var i = 0; i < activities.Length; i++)
        {
            if (activities[i].Uuid == activity.Uuid)
            {
                return activities.SetItem(i, activity);
            }
        }

        var at = 0;
        while (at < activities.Length && NewestFirst(activities[at], activity) < 0)
        {
            at++;
        }

        if (at >= capacity || !IsLive(activity, now))
        {
            return activities;
        }

        var builder = ImmutableArray.CreateBuilder<Activity>(Math.Min(activities.Length + 1, capacity));
        for (var i = 0; i < activities.Length + 1 && builder.Count < capacity; i++)
        {
            var next = i < at ? activities[i] : i == at ? activity : activities[i - 1];
            if (IsLive(next, now))
            {
                builder.Add(next);
            }
        }

        return builder.DrainToImmutable();
    }

    /// <summary>Moves <paramref name="activity"/> to the front (replacing its older copy): the order of events, not of posts.</summary>
    public static ImmutableArray<Activity> ToFront(ImmutableArray<Activity> activities, Activity activity, DateTimeOffset now, int capacity) =>
        [activity, .. activities.Where(a => a.Uuid != activity.Uuid && IsLive(a, now)).Take(capacity - 1)];

    /// <summary>Replaces the copy with the same uuid, if there is one, in place.</summary>
    public static ImmutableArray<Activity> Replace(ImmutableArray<Activity> activities, Activity activity) =>
        activities.Any(a => a.Uuid == activity.Uuid)
            ? [.. activities.Select(a => a.Uuid == activity.Uuid ? activity : a)]
            : activities;

    public static ImmutableArray<Activity> Without(ImmutableArray<Activity> activities, Func<Activity, bool> drop) =>
        activities.Any(drop) ? [.. activities.Where(a => !drop(a))] : activities;
}
