using System.Net;
using System.Text.Json;
using Cruddur.Grains;
using Cruddur.Grains.State;
using Cruddur.Silo;
using Cruddur.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Cruddur.Tests.Grains;

/// <summary>
/// Expiry judged by the grains' injected clock: a silo whose clock is a <see cref="FakeTimeProvider"/> and whose storage
/// the test can look into, behind the real gateway.
/// </summary>
public sealed class ExpiryTests : IAsyncLifetime
{
    // The silo configurator is created by type, in this process: it finds the clock and storage of the running test here.
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);
    private static readonly InspectableGrainStorage Storage = new();

    private TestCluster _cluster = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<FakeClockSilo>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _gateway = new GatewayFactory(_cluster);
        _http = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_one_hour_post_is_gone_from_every_route_after_the_hour_and_its_storage_is_reclaimed()
    {
        var author = TestApi.NewHandle("expiring");
        var follower = author + "_f";
        await Ok(TestApi.Post("/api/activities", author, """{"message":"keeps a while","ttl":"1-day"}"""));
        using (var follow = await _http.SendAsync(TestApi.Send(HttpMethod.Post, $"/api/users/@{author}/follow", follower)))
        {
            Assert.Equal(HttpStatusCode.NoContent, follow.StatusCode);
        }

        var post = await Ok(TestApi.Post("/api/activities", author, """{"message":"ephemeral zebra","ttl":"1-hour"}"""));
        var uuid = post.GetProperty("uuid").GetString()!;
        Assert.Equal(Clock.GetUtcNow().AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff"), post.GetProperty("expires_at").GetString()![..23]);

        string[] routes = [$"/api/activities/@{author}", "/api/activities/home", "/api/activities/search?term=zebra"];
        foreach (var route in routes)
        {
            Assert.Contains(uuid, await Uuids(route, author));
        }

        Assert.Contains(uuid, await Uuids("/api/activities/home", follower));
        await Ok(TestApi.Get($"/api/activities/{uuid}", author));

        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Contains(uuid, await Uuids("/api/activities/home", follower));

        Clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var route in routes)
        {
            Assert.DoesNotContain(uuid, await Uuids(route, author));
        }

        Assert.DoesNotContain(uuid, await Uuids("/api/activities/home", follower));
        using (var show = await _http.SendAsync(TestApi.Get($"/api/activities/{uuid}", author)))
        {
            Assert.Equal(HttpStatusCode.NotFound, show.StatusCode);
        }

        using (var reply = await _http.SendAsync(TestApi.Post($"/api/activities/{uuid}/reply", follower, """{"message":"too late"}""")))
        {
            Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
        }

        // Still stored: reading never writes. The reminder's tick reclaims it.
        var activityId = _cluster.GrainFactory.GetGrain<IActivityGrain>(Guid.Parse(uuid)).GetGrainId();
        Assert.True(Storage.Has("activity", activityId));
        await _cluster.GrainFactory.GetGrain<IUserGrain>(author).AsReference<IRemindable>()
            .ReceiveReminder(UserGrain.ReclaimReminder, new TickStatus(Clock.GetUtcNow().UtcDateTime, UserGrain.ReclaimPeriod, Clock.GetUtcNow().UtcDateTime));

        Assert.False(Storage.Has("activity", activityId));
        var authorState = Storage.Get<UserState>("user", _cluster.GrainFactory.GetGrain<IUserGrain>(author).GetGrainId())!;
        Assert.Equal(["keeps a while"], authorState.Posts.Select(p => p.Message));
        // Home timelines hold no storage of their own: they are rebuilt from the authors' pages.
        Assert.False(Storage.Has("home", _cluster.GrainFactory.GetGrain<IHomeTimelineGrain>(follower).GetGrainId()));
    }

    private async Task<JsonElement> Ok(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            return await TestApi.ReadJson(response);
        }
    }

    private async Task<List<string?>> Uuids(string route, string caller) =>
        (await Ok(TestApi.Get(route, caller))).EnumerateArray().Select(a => a.GetProperty("uuid").GetString()).ToList();

    private sealed class FakeClockSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(GrainStorage.ClockKey, Clock);
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, Storage);
            silo.UseInMemoryReminderService().UseCruddurGrains();
        }
    }
}
