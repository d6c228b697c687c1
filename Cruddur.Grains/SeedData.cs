using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>
/// The original Cruddur's people and mock items, which become real posts on an empty store: times relative to the
/// moment of seeding (so they age like any post), display names and counts filled in consistently.
/// </summary>
public static class SeedData
{
    public static readonly Guid AndrewCloudIsFun = Guid.Parse("68f126b0-1ceb-4a33-88be-d90fa7109eee");
    public static readonly Guid WorfNoHonorReply = Guid.Parse("26e12864-1c26-5c3a-9658-97a10f8fea67");
    public static readonly Guid WorfPruneJuice = Guid.Parse("66e12864-8c26-4c3a-9658-95a10f8fea67");
    public static readonly Guid GarekTailor = Guid.Parse("248959df-3079-4947-b847-9e0892d1bab4");
    public static readonly Guid CocoUnicorn = Guid.Parse("9d1c6e2a-5b7f-4e38-a0c4-2f6b8d3e1a57");
    public static readonly Guid WorfUnicornReply = Guid.Parse("3b7e5f1d-8a2c-4d96-b1e0-6c4a9f2d7e83");

    public static readonly ImmutableArray<Person> People =
    [
        new("andrewbrown", "Andrew Brown"),
        new("worf", "Worf"),
        new("garek", "Garek"),
        new("coco", "Coco"),
    ];

    /// <summary>Who follows whom: andrewbrown follows worf and garek, and both follow him.</summary>
    public static readonly ImmutableArray<(string Follower, string Followee)> Follows =
    [
        ("andrewbrown", "worf"),
        ("andrewbrown", "garek"),
        ("worf", "andrewbrown"),
        ("garek", "andrewbrown"),
    ];

    /// <summary>Every seeded post, newest first.</summary>
    public static ImmutableArray<Activity> Posts(DateTimeOffset now)
    {
        var noHonor = new Reply(WorfNoHonorReply, AndrewCloudIsFun, "worf", "Worf", "This post has no honor!",
            LikesCount: 0, RepliesCount: 0, RepostsCount: 0, CreatedAt: now.AddDays(-2));
        ImmutableArray<Activity> posts =
        [
            new Activity(GarekTailor, "garek", "Garek", "My dear doctor, I am just simple tailor",
                CreatedAt: now.AddHours(-1), ExpiresAt: now.AddHours(12),
                LikesCount: 0, RepliesCount: 0, RepostsCount: 0, Replies: []),
            new Activity(AndrewCloudIsFun, "andrewbrown", "Andrew Brown", "Cloud is fun!",
                CreatedAt: now.AddDays(-2), ExpiresAt: now.AddDays(5),
                LikesCount: 5, RepliesCount: 1, RepostsCount: 0, Replies: [noHonor]),
            Unicorn(now),
            new Activity(WorfPruneJuice, "worf", "Worf", "I am out of prune juice",
                CreatedAt: now.AddDays(-7), ExpiresAt: now.AddDays(9),
                LikesCount: 0, RepliesCount: 0, RepostsCount: 0, Replies: []),
        ];
        return posts;
    }

    /// <summary>The original's one notification: coco's post with worf's reply, which starts andrewbrown's notifications.</summary>
    public static Activity Unicorn(DateTimeOffset now)
    {
        var reply = new Reply(WorfUnicornReply, CocoUnicorn, "worf", "Worf", "This post has no honor!",
            LikesCount: 0, RepliesCount: 0, RepostsCount: 0, CreatedAt: now.AddDays(-2));
        return new Activity(CocoUnicorn, "coco", "Coco", "I am white unicorn",
            CreatedAt: now.AddDays(-2).AddSeconds(-1), ExpiresAt: now.AddDays(5),
            LikesCount: 5, RepliesCount: 1, RepostsCount: 0, Replies: [reply]);
    }

    /// <summary>What each seeded person's grain is written with.</summary>
    public static IEnumerable<(string Handle, UserSeed Seed)> Users(DateTimeOffset now)
    {
        var posts = Posts(now);
        foreach (var person in People)
        {
            yield return (person.Handle, new UserSeed(
                person.DisplayName,
                Following: [.. Follows.Where(f => f.Follower == person.Handle).Select(f => f.Followee)],
                Followers: [.. Follows.Where(f => f.Followee == person.Handle).Select(f => f.Follower)],
                Posts: [.. posts.Where(p => p.Handle == person.Handle)],
                Notifications: person.Handle == "andrewbrown" ? [Unicorn(now)] : []));
        }
    }
}
