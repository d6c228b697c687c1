using Cruddur.Grains;
using Cruddur.Grains.Models;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class TimelineGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Home_timeline_serves_the_originals_three_activities_relative_to_now()
    {
        var before = DateTimeOffset.UtcNow;
        var home = await fixture.Grains.GetGrain<IHomeTimelineGrain>(IHomeTimelineGrain.PublicTimeline).GetActivitiesAsync();

        Assert.Equal(
            [SeedData.AndrewCloudIsFun, SeedData.WorfPruneJuice, SeedData.GarekTailor],
            home.Select(a => a.Uuid));

        var andrew = home[0];
        Assert.Equal(("andrewbrown", "Andrew Brown", "Cloud is fun!"), (andrew.Handle, andrew.DisplayName, andrew.Message));
        Assert.Equal((5, 1, 0), (andrew.LikesCount, andrew.RepliesCount, andrew.RepostsCount));
        AssertNear(before.AddDays(-2), andrew.CreatedAt);
        AssertNear(before.AddDays(5), andrew.ExpiresAt);
        var reply = Assert.Single(andrew.Replies);
        Assert.Equal(SeedData.WorfNoHonorReply, reply.Uuid);
        Assert.Equal(andrew.Uuid, reply.ReplyToActivityUuid);
        Assert.Equal(("worf", "Worf", "This post has no honor!"), (reply.Handle, reply.DisplayName, reply.Message));

        var worf = home[1];
        Assert.Equal("I am out of prune juice", worf.Message);
        AssertNear(before.AddDays(-7), worf.CreatedAt);
        AssertNear(before.AddDays(9), worf.ExpiresAt);

        var garek = home[2];
        Assert.Equal("My dear doctor, I am just simple tailor", garek.Message);
        AssertNear(before.AddHours(-1), garek.CreatedAt);
        AssertNear(before.AddHours(12), garek.ExpiresAt);

        Assert.All(home, a => Assert.Equal(a.Replies.Length, a.RepliesCount));
    }

    [Fact]
    public async Task User_activity_grain_serves_andrewbrowns_one_post()
    {
        var before = DateTimeOffset.UtcNow;
        var posts = await fixture.Grains.GetGrain<IUserActivityGrain>("andrewbrown").GetActivitiesAsync();

        var post = Assert.Single(posts);
        Assert.Equal(("andrewbrown", "Andrew Brown", "Cloud is fun!"), (post.Handle, post.DisplayName, post.Message));
        AssertNear(before.AddDays(-1), post.CreatedAt);
        AssertNear(before.AddDays(31), post.ExpiresAt);
    }

    [Fact]
    public async Task User_activity_grain_serves_only_that_handles_posts()
    {
        var worf = await fixture.Grains.GetGrain<IUserActivityGrain>("worf").GetActivitiesAsync();
        Assert.Equal([SeedData.WorfPruneJuice], worf.Select(a => a.Uuid));

        var nobody = await fixture.Grains.GetGrain<IUserActivityGrain>("nobody_here").GetActivitiesAsync();
        Assert.Empty(nobody);
    }

    [Fact]
    public async Task Notifications_hold_cocos_unicorn_with_a_reply_by_worf()
    {
        var notifications = await fixture.Grains.GetGrain<INotificationsGrain>(IHomeTimelineGrain.PublicTimeline).GetNotificationsAsync();

        var coco = Assert.Single(notifications);
        Assert.Equal(("coco", "I am white unicorn"), (coco.Handle, coco.Message));
        var reply = Assert.Single(coco.Replies);
        Assert.Equal("worf", reply.Handle);
        Assert.Equal(coco.Uuid, reply.ReplyToActivityUuid);
        Assert.Equal(1, coco.RepliesCount);
    }

    [Theory]
    [InlineData("cloud", new[] { "Cloud is fun!", "Cloud is fun!" })]
    [InlineData("UNICORN", new[] { "I am white unicorn" })]
    [InlineData("garek", new[] { "My dear doctor, I am just simple tailor" })]
    [InlineData("nothing matches this", new string[0])]
    public async Task Search_matches_message_handle_or_display_name_ignoring_case(string term, string[] messages)
    {
        var found = await fixture.Grains.GetGrain<ISearchGrain>(0).SearchAsync(term);
        Assert.Equal(messages, found.Select(a => a.Message));
    }

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected - Slack, expected + Slack);
}
