using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cruddur.Grains;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Gateway;

/// <summary>
/// Every timeline route and validation code of the README's API table ("The API") through the real gateway pipeline against the shared TestCluster.
/// The cluster's seeded store is asserted by other tests, so every write here is made by fresh handles, never by or to
/// a seeded person or post.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class TimelineRouteTests(ClusterFixture fixture) : GatewayTestBase(fixture)
{
    private const string Exceed = "message_exceed_max_chars";

    private static readonly string[] ActivityFields = RouteTests.ActivityFields;

    private static readonly string[] ReplyFields = RouteTests.ReplyFields;

    private static readonly string[] MessageFields = ["uuid", "display_name", "handle", "message", "created_at"];

    private static readonly string[] ProfileFields = ["handle", "display_name", "followers_count", "following_count", "activities_count"];

    // ---------------------------------------------------------------- POST /api/activities

    [Theory]
    [InlineData("30-days", 30 * 24)]
    [InlineData("7-days", 7 * 24)]
    [InlineData("3-days", 3 * 24)]
    [InlineData("1-day", 24)]
    [InlineData("12-hours", 12)]
    [InlineData("3-hours", 3)]
    [InlineData("1-hour", 1)]
    public async Task Posting_answers_the_new_activity_which_is_then_on_the_authors_page_home_and_show(string ttl, int hours)
    {
        var author = TestApi.NewHandle("t_post");
        var before = DateTimeOffset.UtcNow;

        var posted = await PostActivityAsync(author, $"Hello from {author}", ttl);

        Assert.Equal(ActivityFields, posted.EnumerateObject().Select(p => p.Name));
        var uuid = Guid.Parse(posted.GetProperty("uuid").GetString()!);
        Assert.Equal(author, posted.GetProperty("handle").GetString());
        Assert.Equal(author, posted.GetProperty("display_name").GetString()); // a new caller's display name is the handle
        Assert.Equal($"Hello from {author}", posted.GetProperty("message").GetString());
        Assert.Equal(0, posted.GetProperty("likes_count").GetInt32());
        Assert.Equal(0, posted.GetProperty("replies_count").GetInt32());
        Assert.Equal(0, posted.GetProperty("reposts_count").GetInt32());
        Assert.Equal(JsonValueKind.Array, posted.GetProperty("replies").ValueKind);
        Assert.Equal(0, posted.GetProperty("replies").GetArrayLength());
        var createdAt = Time(posted, "created_at");
        Assert.InRange(createdAt, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(TimeSpan.FromHours(hours), Time(posted, "expires_at") - createdAt);

        var page = await GetJsonAsync($"/api/activities/@{author}", author);
        Assert.Equal([uuid], Uuids(page));
        Assert.Equal(posted.GetRawText(), page[0].GetRawText());

        var home = await GetJsonAsync("/api/activities/home", author);
        Assert.Equal([uuid], Uuids(home));

        var shown = await GetJsonAsync($"/api/activities/{uuid}", author);
        Assert.Equal(posted.GetRawText(), shown.GetRawText());
    }

    [Fact]
    public async Task A_post_reaches_a_followers_home_newest_first()
    {
        var author = TestApi.NewHandle("t_auth");
        var follower = TestApi.NewHandle("t_fan");
        var first = Uuid(await PostActivityAsync(author, "before the follow"));
        await FollowAsync(follower, author);

        var second = Uuid(await PostActivityAsync(author, "after the follow"));
        var own = Uuid(await PostActivityAsync(follower, "the follower's own post"));

        var home = await GetJsonAsync("/api/activities/home", follower);
        Assert.Equal([own, second, first], Uuids(home));
        Assert.Equal("after the follow", home[1].GetProperty("message").GetString());
        Assert.Equal(author, home[1].GetProperty("handle").GetString());

        // The follower's post does not go the other way.
        Assert.Equal([second, first], Uuids(await GetJsonAsync("/api/activities/home", author)));
    }

    [Theory]
    [InlineData("forever", "hello", 1, "ttl_blank")]
    [InlineData("7 days", "hello", 1, "ttl_blank")]
    [InlineData("7-Days", "hello", 1, "ttl_blank")]
    [InlineData("", "hello", 1, "ttl_blank")]
    [InlineData(null, "hello", 1, "ttl_blank")] // ttl missing
    [InlineData("forever", "", 1, "message_blank")] // the message check runs after the ttl check and wins
    [InlineData("forever", null, 0, "message_blank")]
    [InlineData(null, " ", 1, "message_blank")]
    [InlineData("1-day", "", 1, "message_blank")]
    [InlineData("1-day", null, 0, "message_blank")] // message missing
    [InlineData("1-day", " \t\r\n ", 1, "message_blank")]
    [InlineData("1-day", "a", 281, Exceed)]
    [InlineData("forever", "a", 281, Exceed)]
    [InlineData(null, "a", 281, Exceed)]
    [InlineData("1-day", "a", 280, null)]
    [InlineData("1-day", "🦄", 1, null)]
    [InlineData("1-day", "🦄", 280, null)]
    [InlineData("1-day", "🦄", 281, Exceed)]
    [InlineData("1-day", "👩‍👩‍👧", 280, null)] // a family: 5 code points, 8 UTF-16 units, one text element
    [InlineData("1-day", "👩‍👩‍👧", 281, Exceed)]
    [InlineData("1-day", "e\u0301", 280, null)] // e + combining acute: one text element
    [InlineData("1-day", "e\u0301", 281, Exceed)]
    public async Task Posting_validates_as_the_original_and_the_last_failing_check_wins(string? ttl, string? unit, int repeat, string? expected)
    {
        var author = TestApi.NewHandle("t_val");
        var body = new Dictionary<string, string?>();
        if (unit is not null)
        {
            body["message"] = string.Concat(Enumerable.Repeat(unit, repeat));
        }

        if (ttl is not null)
        {
            body["ttl"] = ttl;
        }

        using var request = TestApi.Post("/api/activities", author, JsonSerializer.Serialize(body));
        using var response = await Http.SendAsync(request);

        if (expected is null)
        {
            var posted = await TestApi.ReadJson(response);
            Assert.Equal(body["message"], posted.GetProperty("message").GetString());
            Assert.Equal([Uuid(posted)], Uuids(await GetJsonAsync($"/api/activities/@{author}", author)));
        }
        else
        {
            await AssertValidation(response, expected);
            Assert.Equal(0, (await GetJsonAsync($"/api/activities/@{author}", author)).GetArrayLength());
        }
    }

    [Theory]
    [InlineData("""{"message":"hello","ttl":null}""", "ttl_blank")]
    [InlineData("""{"message":null,"ttl":"1-day"}""", "message_blank")]
    [InlineData("""{"message":null,"ttl":null}""", "message_blank")]
    [InlineData("""{}""", "message_blank")]
    public async Task Json_nulls_and_an_empty_object_are_validation_errors(string json, string expected)
    {
        using var request = TestApi.Post("/api/activities", TestApi.NewHandle("t_null"), json);
        using var response = await Http.SendAsync(request);
        await AssertValidation(response, expected);
    }

    // ---------------------------------------------------------------- malformed and oversized bodies

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""[{"message":"hello","ttl":"1-day"}]""")]
    [InlineData("""{"message":5,"ttl":"1-day"}""")]
    [InlineData("""{"message":["hello"],"ttl":"1-day"}""")]
    [InlineData("{\"message\":\"hello\",\"ttl\":\"1-day\"")] // cut short
    [InlineData("\"hello\"")]
    [InlineData("42")]
    [InlineData(null)] // a field of the wrong type that only the route reads
    public async Task A_body_that_is_not_json_of_the_shape_is_400_problem_json_on_every_posting_route(string? body)
    {
        var caller = TestApi.NewHandle("t_bad");
        foreach (var route in new[] { "activities", "reply", "messages" })
        {
            var path = await PathOfAsync(route, caller);
            var sent = body ?? route switch
            {
                "activities" => """{"message":"hello","ttl":7}""",
                "messages" => """{"message":"hello","user_receiver_handle":{"handle":"worf"}}""",
                _ => """{"message":true}""",
            };

            foreach (var contentType in new[] { "application/json", "text/plain" })
            {
                using var request = Post(path, caller, sent, contentType);
                using var response = await Http.SendAsync(request);

                Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
                    $"{route} {contentType} {sent}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                await RouteTests.AssertProblemJson(response, 400);
            }
        }

        // Nothing was posted, replied or sent (the one post is the reply's parent).
        var page = await GetJsonAsync($"/api/activities/@{caller}", caller);
        Assert.Equal(0, Assert.Single(page.EnumerateArray()).GetProperty("replies_count").GetInt32());
        Assert.Equal(0, (await GetJsonAsync("/api/message_groups", caller)).GetArrayLength());
    }

    [Theory]
    [InlineData("activities", """{"message":"","ttl":"1-day"}""", "message_blank")]
    [InlineData("activities", """{"message":"hello","ttl":"someday"}""", "ttl_blank")]
    [InlineData("reply", """{"message":"  "}""", "message_blank")]
    [InlineData("messages", """{"message":"hello","user_receiver_handle":""}""", "user_reciever_handle_blank")]
    public async Task A_text_plain_body_is_read_as_json_and_validated_never_415(string route, string body, string expected)
    {
        var caller = TestApi.NewHandle("t_txt");
        var path = await PathOfAsync(route, caller);

        using var request = Post(path, caller, body, "text/plain");
        using var response = await Http.SendAsync(request);

        await AssertValidation(response, expected);
    }

    [Theory]
    [InlineData("activities")]
    [InlineData("reply")]
    [InlineData("messages")]
    public async Task A_body_over_64_KiB_is_413_problem_json(string route)
    {
        var caller = TestApi.NewHandle("t_big");
        var path = await PathOfAsync(route, caller);
        var json = $$"""{"message":"{{new string('a', 64 * 1024)}}","ttl":"1-day","user_receiver_handle":"{{caller}}"}""";

        using var request = TestApi.Post(path, caller, json);
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 413);
        var page = await GetJsonAsync($"/api/activities/@{caller}", caller);
        Assert.Equal(route == "reply" ? 1 : 0, page.GetArrayLength()); // nothing posted (a reply's parent is the one post)
        if (route == "reply")
        {
            Assert.Equal(0, page[0].GetProperty("replies_count").GetInt32());
        }
    }

    [Fact]
    public async Task A_body_over_64_KiB_without_a_content_length_is_413_problem_json()
    {
        var caller = TestApi.NewHandle("t_chunk");
        var json = $$"""{"message":"{{new string('a', 70_000)}}","ttl":"1-day"}""";

        using var request = TestApi.Post("/api/activities", caller, json);
        request.Content = new UnknownLengthContent(Encoding.UTF8.GetBytes(json));
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 413);
    }

    // ---------------------------------------------------------------- GET /api/activities/{uuid}

    [Fact]
    public async Task Showing_an_unknown_activity_is_404_problem_json()
    {
        using var response = await Http.GetAsync($"/api/activities/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 404);
    }

    // ---------------------------------------------------------------- POST /api/activities/{uuid}/reply

    [Fact]
    public async Task A_reply_is_in_the_parent_wherever_it_is_shown_and_notifies_the_author()
    {
        var author = TestApi.NewHandle("t_par");
        var follower = TestApi.NewHandle("t_fol");
        var replier = TestApi.NewHandle("t_rep");
        var parent = Uuid(await PostActivityAsync(author, "reply to me"));
        await FollowAsync(follower, author);
        var before = DateTimeOffset.UtcNow;

        using var request = TestApi.Post($"/api/activities/{parent}/reply", replier, """{"message":"a reply"}""");
        using var response = await Http.SendAsync(request);
        var reply = await TestApi.ReadJson(response);

        Assert.Equal(ReplyFields, reply.EnumerateObject().Select(p => p.Name));
        var replyUuid = Uuid(reply);
        Assert.NotEqual(parent, replyUuid);
        Assert.Equal(parent.ToString(), reply.GetProperty("reply_to_activity_uuid").GetString());
        Assert.Equal(replier, reply.GetProperty("handle").GetString());
        Assert.Equal(replier, reply.GetProperty("display_name").GetString());
        Assert.Equal("a reply", reply.GetProperty("message").GetString());
        Assert.Equal(0, reply.GetProperty("likes_count").GetInt32());
        Assert.Equal(0, reply.GetProperty("replies_count").GetInt32());
        Assert.Equal(0, reply.GetProperty("reposts_count").GetInt32());
        Assert.InRange(Time(reply, "created_at"), before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        void AssertParentHasTheReply(JsonElement activity, string where)
        {
            Assert.True(parent == Uuid(activity), where);
            Assert.True(activity.GetProperty("replies_count").GetInt32() == 1, where);
            var replies = activity.GetProperty("replies");
            Assert.True(replies.GetArrayLength() == 1, where);
            Assert.True(reply.GetRawText() == replies[0].GetRawText(), $"{where}: {replies[0].GetRawText()}");
        }

        AssertParentHasTheReply(await GetJsonAsync($"/api/activities/{parent}", replier), "show");
        AssertParentHasTheReply((await GetJsonAsync($"/api/activities/@{author}", replier))[0], "author's page");
        AssertParentHasTheReply((await GetJsonAsync("/api/activities/home", author))[0], "author's home");
        AssertParentHasTheReply((await GetJsonAsync("/api/activities/home", follower))[0], "follower's home");
        var notifications = await GetJsonAsync("/api/activities/notifications", author);
        AssertParentHasTheReply(notifications[0], "author's notifications");
        Assert.Equal(1, notifications.GetArrayLength());

        // The replier got no notification and nothing on their page.
        Assert.Equal(0, (await GetJsonAsync("/api/activities/notifications", replier)).GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync($"/api/activities/@{replier}", replier)).GetArrayLength());
    }

    [Fact]
    public async Task Notifications_are_newest_event_first()
    {
        var author = TestApi.NewHandle("t_note");
        var replier = TestApi.NewHandle("t_rep");
        var older = Uuid(await PostActivityAsync(author, "older post"));
        var newer = Uuid(await PostActivityAsync(author, "newer post"));
        Assert.Equal(0, (await GetJsonAsync("/api/activities/notifications", author)).GetArrayLength());

        await ReplyAsync(replier, newer, "first reply, to the newer post");
        Assert.Equal([newer], Uuids(await GetJsonAsync("/api/activities/notifications", author)));

        await ReplyAsync(replier, older, "second reply, to the older post");
        var notifications = await GetJsonAsync("/api/activities/notifications", author);
        Assert.Equal([older, newer], Uuids(notifications));
        Assert.Equal("second reply, to the older post", notifications[0].GetProperty("replies")[0].GetProperty("message").GetString());

        // The page stays in post order.
        Assert.Equal([newer, older], Uuids(await GetJsonAsync($"/api/activities/@{author}", author)));
    }

    [Theory]
    [InlineData("""{"message":""}""", "message_blank")]
    [InlineData("""{"message":"   \n\t"}""", "message_blank")]
    [InlineData("""{"message":null}""", "message_blank")]
    [InlineData("""{}""", "message_blank")]
    [InlineData(null, Exceed)] // 1025 characters
    public async Task Replying_validates_as_the_original(string? json, string expected)
    {
        var author = TestApi.NewHandle("t_rpv");
        var parent = Uuid(await PostActivityAsync(author, "a parent"));
        json ??= JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = new('r', 1025) });

        using var request = TestApi.Post($"/api/activities/{parent}/reply", TestApi.NewHandle("t_rp"), json);
        using var response = await Http.SendAsync(request);

        await AssertValidation(response, expected);
        var shown = await GetJsonAsync($"/api/activities/{parent}", author);
        Assert.Equal(0, shown.GetProperty("replies_count").GetInt32());
    }

    [Theory]
    [InlineData("r", 1024)]
    [InlineData("🦄", 1024)]
    public async Task A_reply_of_1024_characters_is_accepted(string unit, int repeat)
    {
        var author = TestApi.NewHandle("t_rpl");
        var parent = Uuid(await PostActivityAsync(author, "a parent"));
        var message = string.Concat(Enumerable.Repeat(unit, repeat));

        var reply = await ReplyAsync(TestApi.NewHandle("t_rp"), parent, message);

        Assert.Equal(message, reply.GetProperty("message").GetString());
        Assert.Equal(1, (await GetJsonAsync($"/api/activities/{parent}", author)).GetProperty("replies_count").GetInt32());
    }

    [Fact]
    public async Task Replying_to_an_unknown_activity_is_404_problem_json()
    {
        using var request = TestApi.Post($"/api/activities/{Guid.NewGuid()}/reply", TestApi.NewHandle("t_rpu"), """{"message":"anyone there?"}""");
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 404);
    }

    // ---------------------------------------------------------------- search

    [Fact]
    public async Task Search_finds_a_just_posted_activity_by_message_or_handle_ignoring_case()
    {
        var author = TestApi.NewHandle("t_srch");
        var word = "zqx" + Guid.NewGuid().ToString("N")[..12];
        var uuid = Uuid(await PostActivityAsync(author, $"Looking for {word} today"));

        Assert.Equal([uuid], Uuids(await GetJsonAsync($"/api/activities/search?term={word.ToUpperInvariant()}", author)));
        Assert.Equal([uuid], Uuids(await GetJsonAsync($"/api/activities/search?term={author}", author)));
        Assert.Equal(0, (await GetJsonAsync($"/api/activities/search?term=zqx{Guid.NewGuid():N}", author)).GetArrayLength());
    }

    // ---------------------------------------------------------------- messages

    [Fact]
    public async Task Messages_are_answered_listed_as_groups_newest_first_and_as_a_conversation_oldest_first()
    {
        var a = TestApi.NewHandle("t_msa");
        var b = TestApi.NewHandle("t_msb");
        var c = TestApi.NewHandle("t_msc");
        await PostActivityAsync(b, "b exists");
        await PostActivityAsync(c, "c exists");
        var before = DateTimeOffset.UtcNow;

        var first = await SendMessageAsync(a, b, "first, a to b");
        Assert.Equal(MessageFields, first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(a, first.GetProperty("handle").GetString());
        Assert.Equal(a, first.GetProperty("display_name").GetString());
        Assert.Equal("first, a to b", first.GetProperty("message").GetString());
        Assert.InRange(Time(first, "created_at"), before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var second = await SendMessageAsync(b, a, "second, b to a");
        Assert.Equal(b, second.GetProperty("handle").GetString());
        var third = await SendMessageAsync(a, c, "third, a to c");

        var groupsOfA = await GetJsonAsync("/api/message_groups", a);
        Assert.Equal([c, b], groupsOfA.EnumerateArray().Select(g => g.GetProperty("handle").GetString()));
        Assert.All(groupsOfA.EnumerateArray(), g => Assert.Equal(MessageFields, g.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(c, groupsOfA[0].GetProperty("display_name").GetString());
        Assert.Equal("third, a to c", groupsOfA[0].GetProperty("message").GetString());
        Assert.Equal("second, b to a", groupsOfA[1].GetProperty("message").GetString());

        var groupsOfB = await GetJsonAsync("/api/message_groups", b);
        var groupOfB = Assert.Single(groupsOfB.EnumerateArray());
        Assert.Equal((a, a, "second, b to a"),
            (groupOfB.GetProperty("handle").GetString(), groupOfB.GetProperty("display_name").GetString(), groupOfB.GetProperty("message").GetString()));

        var groupOfC = Assert.Single((await GetJsonAsync("/api/message_groups", c)).EnumerateArray());
        Assert.Equal((a, "third, a to c"), (groupOfC.GetProperty("handle").GetString(), groupOfC.GetProperty("message").GetString()));

        // A new message moves its conversation to the front.
        await SendMessageAsync(b, a, "fourth, b to a");
        Assert.Equal([b, c], (await GetJsonAsync("/api/message_groups", a)).EnumerateArray().Select(g => g.GetProperty("handle").GetString()));

        foreach (var (reader, other) in new[] { (a, b), (b, a) })
        {
            var conversation = await GetJsonAsync($"/api/messages/@{other}", reader);
            Assert.Equal(
                [(a, "first, a to b"), (b, "second, b to a"), (b, "fourth, b to a")],
                conversation.EnumerateArray().Select(m => (m.GetProperty("handle").GetString(), m.GetProperty("message").GetString())));
            Assert.Equal(first.GetRawText(), conversation[0].GetRawText());
            Assert.Equal(second.GetRawText(), conversation[1].GetRawText());
        }

        var withC = await GetJsonAsync($"/api/messages/@{c}", a);
        Assert.Equal(third.GetRawText(), Assert.Single(withC.EnumerateArray()).GetRawText());
        Assert.Equal(0, (await GetJsonAsync($"/api/messages/@{c}", b)).GetArrayLength());
    }

    [Theory]
    [InlineData("", "hello", "user_reciever_handle_blank")]
    [InlineData("  ", "hello", "user_reciever_handle_blank")]
    [InlineData(null, "hello", "user_reciever_handle_blank")] // receiver missing
    [InlineData("", "", "message_blank")] // blank receiver and blank message: the message check wins
    [InlineData(null, null, "message_blank")]
    [InlineData("t_nobody_here", "", "message_blank")]
    [InlineData("t_nobody_here", " \n ", "message_blank")]
    [InlineData("t_nobody_here", null, "message_blank")]
    [InlineData("t_nobody_here", "1025", Exceed)]
    [InlineData("", "1025", Exceed)]
    public async Task Messaging_validates_as_the_original(string? receiver, string? message, string expected)
    {
        var body = new Dictionary<string, string?>();
        if (message is not null)
        {
            body["message"] = message == "1025" ? new string('m', 1025) : message;
        }

        if (receiver is not null)
        {
            body["user_receiver_handle"] = receiver;
        }

        var sender = TestApi.NewHandle("t_msv");
        using var request = TestApi.Post("/api/messages", sender, JsonSerializer.Serialize(body));
        using var response = await Http.SendAsync(request);

        await AssertValidation(response, expected);
        Assert.Equal(0, (await GetJsonAsync("/api/message_groups", sender)).GetArrayLength());
    }

    [Theory]
    [InlineData("m", 1024)]
    [InlineData("👩‍👩‍👧", 1024)]
    public async Task A_message_of_1024_characters_is_sent(string unit, int repeat)
    {
        var receiver = TestApi.NewHandle("t_mlr");
        await PostActivityAsync(receiver, "receiver exists");
        var message = string.Concat(Enumerable.Repeat(unit, repeat));

        var sent = await SendMessageAsync(TestApi.NewHandle("t_mls"), receiver, message);

        Assert.Equal(message, sent.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Messaging_an_unknown_receiver_is_404_problem_json_and_sends_nothing()
    {
        var sender = TestApi.NewHandle("t_msu");
        var nobody = TestApi.NewHandle("t_nobody");
        using var request = TestApi.Post("/api/messages", sender, $$"""{"message":"hello?","user_receiver_handle":"{{nobody}}"}""");
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 404);
        Assert.Equal(0, (await GetJsonAsync("/api/message_groups", sender)).GetArrayLength());
    }

    [Fact]
    public async Task The_conversation_with_an_unknown_person_is_404_problem_json()
    {
        using var request = TestApi.Get($"/api/messages/@{TestApi.NewHandle("t_nobody")}", TestApi.NewHandle("t_msg"));
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 404);
    }

    // ---------------------------------------------------------------- users and following

    [Fact]
    public async Task Following_counts_delivers_and_unfollowing_takes_the_posts_away()
    {
        var author = TestApi.NewHandle("t_star");
        var follower = TestApi.NewHandle("t_fan");
        var posts = new[]
        {
            Uuid(await PostActivityAsync(author, "one")),
            Uuid(await PostActivityAsync(author, "two")),
        };
        var own = Uuid(await PostActivityAsync(follower, "mine"));

        await FollowAsync(follower, author);
        await FollowAsync(follower, author); // following again changes nothing

        var authorProfile = await GetJsonAsync($"/api/users/@{author}", follower);
        Assert.Equal(ProfileFields, authorProfile.EnumerateObject().Select(p => p.Name));
        Assert.Equal((author, author, 1, 0, 2), Profile(authorProfile));
        Assert.Equal((follower, follower, 0, 1, 1), Profile(await GetJsonAsync($"/api/users/@{follower}", author)));
        Assert.Equal([own, posts[1], posts[0]], Uuids(await GetJsonAsync("/api/activities/home", follower)));

        using (var unfollow = TestApi.Send(HttpMethod.Delete, $"/api/users/@{author}/follow", follower))
        using (var response = await Http.SendAsync(unfollow))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal([own], Uuids(await GetJsonAsync("/api/activities/home", follower)));
        Assert.Equal((author, author, 0, 0, 2), Profile(await GetJsonAsync($"/api/users/@{author}", follower)));
        Assert.Equal((follower, follower, 0, 0, 1), Profile(await GetJsonAsync($"/api/users/@{follower}", follower)));

        await PostActivityAsync(author, "three, after the unfollow");
        Assert.Equal([own], Uuids(await GetJsonAsync("/api/activities/home", follower)));
    }

    [Fact]
    public async Task Following_yourself_is_422_cannot_follow_self()
    {
        var me = TestApi.NewHandle("t_self");
        await PostActivityAsync(me, "I exist");

        using var request = TestApi.Send(HttpMethod.Post, $"/api/users/@{me}/follow", me);
        using var response = await Http.SendAsync(request);

        await AssertValidation(response, "cannot_follow_self");
        Assert.Equal((me, me, 0, 0, 1), Profile(await GetJsonAsync($"/api/users/@{me}", me)));
    }

    [Fact]
    public async Task Following_an_unknown_person_is_404_problem_json()
    {
        var follower = TestApi.NewHandle("t_fol");
        var nobody = TestApi.NewHandle("t_nobody");
        using var request = TestApi.Send(HttpMethod.Post, $"/api/users/@{nobody}/follow", follower);
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 404);

        using var show = await Http.GetAsync($"/api/users/@{nobody}");
        Assert.Equal(HttpStatusCode.NotFound, show.StatusCode); // following did not create them
    }

    [Fact]
    public async Task Following_a_malformed_handle_is_400_problem_json()
    {
        using var request = TestApi.Send(HttpMethod.Post, "/api/users/@bad-handle/follow", TestApi.NewHandle("t_fol"));
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 400);
    }

    [Fact]
    public async Task A_seeded_profile_is_shown_with_its_counts()
    {
        var worf = await GetJsonAsync("/api/users/@worf", TestApi.NewHandle("t_look"));
        Assert.Equal(ProfileFields, worf.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("worf", "Worf"), (worf.GetProperty("handle").GetString(), worf.GetProperty("display_name").GetString()));
        Assert.Equal(1, worf.GetProperty("following_count").GetInt32());
        Assert.Equal(1, worf.GetProperty("activities_count").GetInt32());
    }

    [Theory]
    [InlineData("/api/users/@nobody_known", HttpStatusCode.NotFound)]
    [InlineData("/api/users/@bad-handle", HttpStatusCode.BadRequest)]
    [InlineData("/api/users/@abcdefghijklmnopqrstuvwxyz_012345", HttpStatusCode.BadRequest)] // 33 characters
    [InlineData("/api/messages/@bad-handle", HttpStatusCode.BadRequest)]
    public async Task Unknown_profiles_are_404_and_malformed_handles_400_problem_json(string path, HttpStatusCode expected)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        await RouteTests.AssertProblemJson(response, (int)expected);
    }

    // ---------------------------------------------------------------- who is calling

    [Theory]
    [InlineData("GET", "/api/activities/home", "bad handle!")]
    [InlineData("GET", "/api/activities/notifications", "andrew-brown")]
    [InlineData("GET", "/api/message_groups", "abcdefghijklmnopqrstuvwxyz_012345")] // 33 characters
    [InlineData("POST", "/api/activities", "bad handle!")]
    [InlineData("POST", "/api/messages", "bad handle!")]
    [InlineData("POST", "/api/users/@t_nobody_at_all/follow", "bad handle!")]
    [InlineData("DELETE", "/api/users/@t_nobody_at_all/follow", "bad handle!")]
    public async Task A_caller_header_that_breaks_the_handle_rule_is_400_problem_json(string method, string path, string caller)
    {
        // Bodies and targets that could change nothing even if the header were ignored (the caller then andrewbrown).
        using var request = method == "POST"
            ? TestApi.Post(path, caller, """{"message":"","ttl":"never","user_receiver_handle":""}""")
            : TestApi.Send(new HttpMethod(method), path, caller);
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await RouteTests.AssertProblemJson(response, 400);
    }

    [Fact]
    public async Task Without_trust_the_caller_header_is_ignored_and_the_caller_is_andrewbrown()
    {
        var someone = TestApi.NewHandle("t_who");
        Assert.Equal(0, (await GetJsonAsync("/api/activities/home", someone)).GetArrayLength()); // trusted: their empty home

        await using var untrusted = new GatewayFactory(Fixture.Cluster, trustCallerHeader: false);
        using var http = untrusted.CreateClient();

        foreach (var header in new[] { someone, "bad handle!" })
        {
            using var request = TestApi.Get("/api/activities/home", header);
            using var response = await http.SendAsync(request);
            var home = await TestApi.ReadJson(response);
            Assert.Equal([SeedData.GarekTailor, SeedData.AndrewCloudIsFun, SeedData.WorfPruneJuice], Uuids(home));
        }

        using var notificationsRequest = TestApi.Get("/api/activities/notifications", someone);
        using var notificationsResponse = await http.SendAsync(notificationsRequest);
        var notifications = await TestApi.ReadJson(notificationsResponse);
        Assert.Equal(SeedData.CocoUnicorn, Uuid(notifications[0]));
    }

    // ---------------------------------------------------------------- helpers

    private async Task<string> PathOfAsync(string route, string caller) => route switch
    {
        "activities" => "/api/activities",
        "messages" => "/api/messages",
        "reply" => $"/api/activities/{Uuid(await PostActivityAsync(caller, "a parent"))}/reply",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };

    private async Task<JsonElement> PostActivityAsync(string author, string message, string ttl = "1-day")
    {
        using var request = TestApi.Post("/api/activities", author,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message, ["ttl"] = ttl }));
        using var response = await Http.SendAsync(request);
        return await TestApi.ReadJson(response);
    }

    private async Task<JsonElement> ReplyAsync(string replier, Guid parent, string message)
    {
        using var request = TestApi.Post($"/api/activities/{parent}/reply", replier,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));
        using var response = await Http.SendAsync(request);
        return await TestApi.ReadJson(response);
    }

    private async Task<JsonElement> SendMessageAsync(string sender, string receiver, string message)
    {
        using var request = TestApi.Post("/api/messages", sender,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message, ["user_receiver_handle"] = receiver }));
        using var response = await Http.SendAsync(request);
        return await TestApi.ReadJson(response);
    }

    private async Task FollowAsync(string follower, string followee)
    {
        using var request = TestApi.Send(HttpMethod.Post, $"/api/users/@{followee}/follow", follower);
        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent,
            $"follow answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> GetJsonAsync(string path, string caller)
    {
        using var request = TestApi.Get(path, caller);
        using var response = await Http.SendAsync(request);
        return await TestApi.ReadJson(response);
    }

    private static HttpRequestMessage Post(string path, string caller, string body, string contentType)
    {
        var request = TestApi.Post(path, caller, body);
        request.Content = new StringContent(body, Encoding.UTF8, contentType);
        return request;
    }

    /// <summary>A body sent chunked: no Content-Length for the gateway to look at.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task AssertValidation(HttpResponseMessage response, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"[\"{code}\"]", body);
    }

    private static Guid Uuid(JsonElement activity) => Guid.Parse(activity.GetProperty("uuid").GetString()!);

    private static Guid[] Uuids(JsonElement activities) => [.. activities.EnumerateArray().Select(Uuid)];

    private static (string?, string?, int, int, int) Profile(JsonElement profile) =>
        (profile.GetProperty("handle").GetString(), profile.GetProperty("display_name").GetString(),
         profile.GetProperty("followers_count").GetInt32(), profile.GetProperty("following_count").GetInt32(),
         profile.GetProperty("activities_count").GetInt32());

    private static DateTimeOffset Time(JsonElement element, string name)
    {
        var text = element.GetProperty(name).GetString();
        Assert.Matches(IsoTime(), text);
        return DateTimeOffset.Parse(text!, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")]
    private static partial Regex IsoTime();
}
