using Microsoft.AspNetCore.Http;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>An ASP.NET Core request as Rollbar's <c>data.request</c>: the fields copied now, scrubbed when the payload is built.</summary>
public static class RollbarHttpRequest
{
    public static RollbarRequest From(HttpContext context)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return new RollbarRequest
        {
            Url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}",
            Method = request.Method,
            Headers = headers,
            QueryString = request.QueryString.HasValue ? request.QueryString.Value : null,
            UserIp = context.Connection.RemoteIpAddress?.ToString(),
        };
    }
}
