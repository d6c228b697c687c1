using Cruddur.Grains;
using Cruddur.ServiceDefaults;
using Orleans.Dashboard;
using Orleans.Runtime;

namespace Cruddur.Gateway.Hosting;

/// <summary>
/// The Orleans Dashboard (Microsoft.Orleans.Dashboard, https://github.com/dotnet/orleans) at <c>/dashboard</c> when
/// <c>Cruddur__Dashboard=true</c>. Its pages poll the cluster through grain calls; while the cluster does not answer
/// (<see cref="DashboardClusterGate"/>), every <c>/dashboard</c> request is a 503 problem+json at once instead of
/// waiting for the response timeout.
/// </summary>
public static class DashboardSetup
{
    public const string Path = "/dashboard";

    public static IClientBuilder AddCruddurDashboard(this IClientBuilder client, IConfiguration configuration)
    {
        if (DashboardSettings.IsEnabled(configuration))
        {
            client.AddDashboard();
            client.Services.AddSingleton<DashboardClusterGate>();
        }

        return client;
    }

    /// <summary>The gate in the pipeline (after the exception handler, which writes the 503).</summary>
    public static IApplicationBuilder UseCruddurDashboardGate(this WebApplication app)
    {
        if (!DashboardSettings.IsEnabled(app.Configuration))
        {
            return app;
        }

        var gate = app.Services.GetRequiredService<DashboardClusterGate>();
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path) && !await gate.IsReachableAsync())
            {
                throw new SiloUnavailableException("The dashboard cannot reach the cluster.");
            }

            await next(context);
        });
    }

    public static WebApplication MapCruddurDashboard(this WebApplication app)
    {
        if (DashboardSettings.IsEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(routePrefix: Path);
        }

        return app;
    }
}

/// <summary>
/// Whether the cluster answers the cheapest grain call within <see cref="ClusterHealthCheck.Timeout"/>. Asked for
/// each dashboard request (requests arriving while a probe is out share it); a "no" is kept for
/// <see cref="Freshness"/>, so while the cluster is gone the dashboard's polling is answered at once. A "yes" is never
/// reused: a cluster that just went away must not let a request through to wait for the response timeout.
/// </summary>
internal sealed class DashboardClusterGate(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<bool>? _probe;
    private DateTimeOffset _probedAt;

    public Task<bool> IsReachableAsync()
    {
        lock (_lock)
        {
            var reuse = _probe is { IsCompleted: false }
                        || (_probe is { IsCompleted: true } done && !done.Result && time.GetUtcNow() - _probedAt < Freshness);
            if (!reuse)
            {
                _probedAt = time.GetUtcNow();
                _probe = ProbeAsync();
            }

            return _probe!;
        }
    }

    private async Task<bool> ProbeAsync()
    {
        try
        {
            await grains.GetGrain<IPingGrain>(0).PingAsync().WaitAsync(ClusterHealthCheck.Timeout, time);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
