namespace Cruddur.Tests.Infrastructure;

/// <summary>The real gateway in-process (its Program) against the shared TestCluster, with a client for each test class.</summary>
public abstract class GatewayTestBase(ClusterFixture fixture) : IAsyncLifetime
{
    private GatewayFactory _factory = null!;

    protected ClusterFixture Fixture => fixture;

    protected HttpClient Http { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _factory = new GatewayFactory(fixture.Cluster);
        Http = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }
}
