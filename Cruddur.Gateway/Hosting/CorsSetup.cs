using Cruddur.Gateway.Api;
using Cruddur.Telemetry;

namespace Cruddur.Gateway.Hosting;

/// <summary>CORS as the original configured it: origins FRONTEND_URL and BACKEND_URL on /api/*.</summary>
public static class CorsSetup
{
    public const string PolicyName = "cruddur";

    public static IServiceCollection AddCruddurCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = new[] { configuration["FRONTEND_URL"], configuration["BACKEND_URL"] }
            .Select(o => o?.Trim().TrimEnd('/'))
            .Where(o => !string.IsNullOrEmpty(o))
            .Cast<string>()
            .ToArray();

        return services.AddCors(cors => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins(origins)
            .WithHeaders("content-type", "if-modified-since", "traceparent", "tracestate", Caller.Header)
            .WithMethods("OPTIONS", "GET", "HEAD", "POST", "DELETE")
            .WithExposedHeaders("location", "link", TraceHeaders.AmazonTraceId)));
    }
}
