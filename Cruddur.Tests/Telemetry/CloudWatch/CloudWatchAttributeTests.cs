using System.Text.Json;
using Cruddur.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>Attribute values reach CloudWatch as JSON of their kind, written by the same tag writer as X-Ray's.</summary>
public sealed class CloudWatchAttributeTests : IAsyncLifetime
{
    private FakeCloudWatchLogs _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeCloudWatchLogs.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task An_int_array_attribute_arrives_as_a_json_array()
    {
        using var sink = new CloudWatchTestSink(_fake.Endpoint);

        sink.Logger.LogInformation("served {Ids} to {Handles}", new[] { 1, 2, 3 }, new List<string> { "andrewbrown", "worf" });
        Assert.True(await sink.FlushAsync(TimeSpan.FromSeconds(15)));

        using var json = JsonDocument.Parse(Assert.Single(_fake.StoredMessages));
        var state = json.RootElement.GetProperty("state");
        Assert.Equal(JsonValueKind.Array, state.GetProperty("Ids").ValueKind);
        Assert.Equal([1, 2, 3], state.GetProperty("Ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["andrewbrown", "worf"], state.GetProperty("Handles").EnumerateArray().Select(e => e.GetString()));
    }
}
