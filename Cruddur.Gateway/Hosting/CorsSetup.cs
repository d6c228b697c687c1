using Cruddur.Gateway.Api;
using Cruddur.Telemetry;
using Microsoft.Net.Http.Headers;

namespace Cruddur.Gateway.Hosting;

/// <summary>CORS as the original configured it: origins FRONTEND_URL and BACKEND_URL, on /api/* only.</summary>
public static class CorsSetup
{
    public const string PolicyName = "cruddur";

    public static IServiceCollection AddCruddurCors(this IServiceCollection services, IConfiguration configuration)
    {
        // Each variable may list several origins, separated by commas (the local run allows localhost and 127.0.0.1).
        var origins = new[] { configuration["FRONTEND_URL"], configuration["BACKEND_URL"] }
            .SelectMany(o => (o ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(o => o.TrimEnd('/'))
            .Where(o => o.Length > 0)
            .ToArray();

        return services.AddCors(cors => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins(origins)
            .WithHeaders("content-type", "if-modified-since", "traceparent", "tracestate", Caller.Header)
            .WithMethods("OPTIONS", "GET", "HEAD", "POST", "DELETE")
            .WithExposedHeaders("location", "link", TraceHeaders.AmazonTraceId)));
    }

    /// <summary>
    /// The policy on <c>/api/*</c> only, and every answer there says <c>Vary: Origin</c>: whether it carries
    /// <c>Access-Control-Allow-Origin</c> depends on the request's origin, allowed or not, so a shared cache must not
    /// serve one origin's answer to another.
    /// </summary>
    public static IApplicationBuilder UseCruddurCors(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api
            .Use((context, next) =>
            {
                context.Response.OnStarting(static state =>
                {
                    var headers = ((HttpResponse)state).Headers;
                    if (!headers.Vary.Any(v => v != null && v.Contains(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase)))
                    {
                        headers.Append(HeaderNames.Vary, HeaderNames.Origin);
                    }

                    return Task.CompletedTask;
                }, context.Response);
                return next(context);
            })
            .UseCors(PolicyName));
}
