using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>
/// The original Cruddur's mock data, with times relative to <c>now</c> as the original computed them
/// on every request, and display names and counts filled in consistently.
/// </summary>
public static class SeedData
{
    public static readonly Guid AndrewCloudIsFun = Guid.Parse("68f126b0-1ceb-4a33-88be-d90fa7109eee");
    public static readonly Guid WorfNoHonorReply = Guid.Parse("26e12864-1c26-5c3a-9658-97a10f8fea67");
    public static readonly Guid WorfPruneJuice = Guid.Parse("66e12864-8c26-4c3a-9658-95a10f8fea67");
    public static readonly Guid GarekTailor = Guid.Parse("248959df-3079-4947-b847-9e0892d1bab4");
    // The original reused garek's uuid for this post; a uuid names one activity here.
    public static readonly Guid AndrewUserPost = Guid.Parse("f2a9d0c4-7c1e-4f0a-9d52-3b8e6a1c0d11");
    public static readonly Guid CocoUnicorn = Guid.Parse("9d1c6e2a-5b7f-4e38-a0c4-2f6b8d3e1a57");
    public static readonly Guid WorfUnicornReply = Guid.Parse("3b7e5f1d-8a2c-4d96-b1e0-6c4a9f2d7e83");

    private static readonly IReadOnlyDictionary<string, string> DisplayNames =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["andrewbrown"] = "Andrew Brown",
            ["worf"] = "Worf",
            ["garek"] = "Garek",
            ["coco"] = "Coco",
        };

    public static string DisplayNameOf(string handle) =>
        DisplayNames.TryGetValue(handle, out var name) ? name : handle;

    public static ImmutableArray<Activity> Home(DateTimeOffset now)
    {
        var noHonor = new Reply(WorfNoHonorReply, AndrewCloudIsFun, "worf", "Worf", "This post has no honor!",
            LikesCount: 0, RepliesCount: 0, RepostsCount: 0, CreatedAt: now.AddDays(-2));
        return
        [
            new Activity(AndrewCloudIsFun, "andrewbrown", "Andrew Brown", "Cloud is fun!",
                CreatedAt: now.AddDays(-2), ExpiresAt: now.AddDays(5),
                LikesCount: 5, RepliesCount: 1, RepostsCount: 0, Replies: [noHonor]),
            new Activity(WorfPruneJuice, "worf", "Worf", "I am out of prune juice",
                CreatedAt: now.AddDays(-7), ExpiresAt: now.AddDays(9),
                LikesCount: 0, RepliesCount: 0, RepostsCount: 0, Replies: []),
            new Activity(GarekTailor, "garek", "Garek", "My dear doctor, I am just simple tailor",
                CreatedAt: now.AddHours(-1), ExpiresAt: now.AddHours(12),
                LikesCount: 0, RepliesCount: 0, RepostsCount: 0, Replies: []),
        ];
    }

    public static ImmutableArray<Activity> Notifications(DateTimeOffset now)
    {
        var reply = new Reply(WorfUnicornReply, CocoUnicorn, "worf", "Worf", "This post has no honor!",
            LikesCount: 0, RepliesCount: 0, RepostsCount: 0, CreatedAt: now.AddDays(-2));
        return
        [
            new Activity(CocoUnicorn, "coco", "Coco", "I am white unicorn",
                CreatedAt: now.AddDays(-2), ExpiresAt: now.AddDays(5),
                LikesCount: 5, RepliesCount: 1, RepostsCount: 0, Replies: [reply]),
        ];
    }

    /// <summary>What a handle has posted; unknown handles have posted nothing.</summary>
    public static ImmutableArray<Activity> PostsBy(string handle, DateTimeOffset now)
    {
        if (string.Equals(handle, "andrewbrown", StringComparison.OrdinalIgnoreCase))
        {
            return
            [
                new Activity(AndrewUserPost, "andrewbrown", "Andrew Brown", "Cloud is fun!",
                    CreatedAt: now.AddDays(-1), ExpiresAt: now.AddDays(31),
                    LikesCount: 0, RepliesCount: 0, RepostsCount: 0, Replies: []),
            ];
        }

        return [.. Home(now).Concat(Notifications(now))
            .Where(a => string.Equals(a.Handle, handle, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Every activity the service knows, for search.</summary>
    public static ImmutableArray<Activity> All(DateTimeOffset now) =>
        [.. Home(now), .. Notifications(now), .. PostsBy("andrewbrown", now)];
}
