using Cruddur.Gateway.Api;
using Cruddur.Gateway.Hosting;
using Cruddur.Gateway.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cruddur.Gateway.Endpoints;

/// <summary>
/// Health as ASP.NET Core and Aspire's service defaults have it: <c>/alive</c> (the process answers) and
/// <c>/health</c> (ready: the cluster answers); the original's <c>/api/health-check</c> keeps its body and turns 503
/// problem+json when not ready.
/// </summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddCruddurHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag])
            // Not ready while draining after SIGTERM: a load balancer stops sending new requests here.
            .AddCheck<ShutdownDrain>("serving", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapGet("/api/health-check", async (HealthCheckService health) =>
                (await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag))).Status == HealthStatus.Healthy
                    ? Results.Json(new HealthCheck(true, 1), ApiJsonContext.Default.HealthCheck)
                    : ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "The timeline cluster does not answer."))
            .WithTags("Health");
        return app;
    }
}
