using Cruddur.Gateway.Json;

namespace Cruddur.Gateway.Endpoints;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health-check", () => Results.Json(new HealthCheck(true, 1), ApiJsonContext.Default.HealthCheck));
        return app;
    }
}
