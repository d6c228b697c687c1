using Cruddur.Grains;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Grains;

/// <summary>The seeded store and the grains' rules, through the grains themselves (no gateway).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TimelineGrainTests(ClusterFixture fixture)
{
    // The shared cluster was seeded when its first test ran, possibly minutes before this one.
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task A_fresh_store_shows_andrewbrown_the_originals_three_activities_newest_first()
    {
        var before = DateTimeOffset.UtcNow;
        var home = await fixture.Grains.GetGrain<IHomeTimelineGrain>("andrewbrown").GetActivitiesAsync();

        Assert.Equal([SeedData.GarekTailor, SeedData.AndrewCloudIsFun, SeedData.WorfPruneJuice], home.Select(a => a.Uuid));
        var andrew = home[1];
        Assert.Equal(("andrewbrown", "Andrew Brown", "Cloud is fun!"), (andrew.Handle, andrew.DisplayName, andrew.Message));
        Assert.Equal((5, 1, 0), (andrew.LikesCount, andrew.RepliesCount, andrew.RepostsCount));
        AssertNear(before.AddDays(-2), andrew.CreatedAt);
        AssertNear(before.AddDays(5), andrew.ExpiresAt);
        Assert.Equal(TimeSpan.FromDays(7), andrew.ExpiresAt - andrew.CreatedAt);
        var reply = Assert.Single(andrew.Replies);
        Assert.Equal((SeedData.WorfNoHonorReply, andrew.Uuid, "worf"), (reply.Uuid, reply.ReplyToActivityUuid, reply.Handle));
        AssertNear(before.AddDays(-7), home[2].CreatedAt);
        AssertNear(before.AddHours(12), home[0].ExpiresAt);
    }

    [Fact]
    public async Task Seeded_pages_graph_and_notifications_are_the_originals()
    {
        var andrew = await fixture.Grains.GetGrain<IUserGrain>("andrewbrown").GetActivitiesAsync();
        Assert.Equal([SeedData.AndrewCloudIsFun], andrew.Select(a => a.Uuid));

        var profile = await fixture.Grains.GetGrain<IUserGrain>("andrewbrown").GetProfileAsync();
        Assert.NotNull(profile);
        Assert.Equal(("Andrew Brown", 2, 1), (profile.DisplayName, profile.FollowersCount, profile.ActivitiesCount));

        var coco = Assert.Single(await fixture.Grains.GetGrain<IUserGrain>("andrewbrown").GetNotificationsAsync());
        Assert.Equal(("coco", "I am white unicorn"), (coco.Handle, coco.Message));
        Assert.Equal("worf", Assert.Single(coco.Replies).Handle);

        var worfHome = await fixture.Grains.GetGrain<IHomeTimelineGrain>("worf").GetActivitiesAsync();
        Assert.Equal([SeedData.AndrewCloudIsFun, SeedData.WorfPruneJuice], worfHome.Select(a => a.Uuid));
    }

    [Fact]
    public async Task Seeding_twice_does_nothing()
    {
        Assert.False(await fixture.Grains.GetGrain<ISeedGrain>(0).EnsureSeededAsync());
    }

    [Theory]
    [InlineData("UNICORN", "I am white unicorn")]
    [InlineData("tailor", "My dear doctor, I am just simple tailor")]
    public async Task Search_matches_message_handle_or_display_name_ignoring_case(string term, string message)
    {
        var found = await fixture.Grains.GetGrain<ISearchGrain>(0).SearchAsync(term);
        Assert.Contains(message, found.Select(a => a.Message));
    }

    [Fact]
    public async Task A_post_reaches_the_authors_page_and_home_and_every_followers_home()
    {
        var author = "g_author_" + Guid.NewGuid().ToString("N")[..8];
        var followers = Enumerable.Range(0, 5).Select(i => $"{author}_f{i}").ToArray();
        await fixture.Grains.GetGrain<IUserGrain>(author).EnsureAsync();
        foreach (var follower in followers)
        {
            Assert.Equal(Cruddur.Grains.Models.FollowOutcome.Done, await fixture.Grains.GetGrain<IUserGrain>(follower).FollowAsync(author));
        }

        var post = await fixture.Grains.GetGrain<IUserGrain>(author).PostAsync("fan out", "1-day");

        Assert.Equal([post.Uuid], (await fixture.Grains.GetGrain<IUserGrain>(author).GetActivitiesAsync()).Select(a => a.Uuid));
        foreach (var reader in followers.Append(author))
        {
            Assert.Contains(post.Uuid, (await fixture.Grains.GetGrain<IHomeTimelineGrain>(reader).GetActivitiesAsync()).Select(a => a.Uuid));
        }
    }

    [Fact]
    public async Task A_home_timeline_keeps_the_newest_200()
    {
        var author = "g_many_" + Guid.NewGuid().ToString("N")[..8];
        var posts = new List<Guid>();
        for (var i = 0; i < Timeline.HomeCapacity + 5; i++)
        {
            posts.Add((await fixture.Grains.GetGrain<IUserGrain>(author).PostAsync($"post {i}", "1-day")).Uuid);
        }

        var home = await fixture.Grains.GetGrain<IHomeTimelineGrain>(author).GetActivitiesAsync();
        Assert.Equal(Enumerable.Reverse(posts).Take(Timeline.HomeCapacity), home.Select(a => a.Uuid));
    }

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected - Slack, expected + Slack);
}
