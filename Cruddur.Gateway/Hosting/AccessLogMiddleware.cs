using Cruddur.Telemetry;

namespace Cruddur.Gateway.Hosting;

/// <summary>
/// One Information line per request after it is served — the original's Flask <c>after_request</c> — with the
/// remote address, method, scheme, path and query, status and duration as structured fields. It runs inside the
/// request's server span, so the line carries the request's trace id into every log sink.
/// </summary>
public sealed partial class AccessLogMiddleware(RequestDelegate next, ILogger<AccessLogMiddleware> logger, TimeProvider time)
{
    /// <summary>Query values such as <c>?access_token=…</c> are masked before the line reaches any log sink.</summary>
    private static readonly SecretScrubber Scrubber = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            LogRequestServed(
                logger,
                context.Connection.RemoteIpAddress?.ToString() ?? "-",
                request.Method,
                request.Scheme,
                request.QueryString.HasValue
                    ? $"{request.PathBase}{request.Path}{Scrubber.ScrubQueryString(request.QueryString.Value!)}"
                    : $"{request.PathBase}{request.Path}",
                context.Response.StatusCode,
                Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 3));
        }
    }

    [LoggerMessage(EventId = 1, EventName = "RequestServed", Level = LogLevel.Information,
        Message = "{RemoteAddress} {Method} {Scheme} {PathAndQuery} {StatusCode} {DurationMs} ms")]
    private static partial void LogRequestServed(ILogger logger, string remoteAddress, string method, string scheme,
        string pathAndQuery, int statusCode, double durationMs);
}

public static class AccessLogExtensions
{
    /// <summary>Place first, so the line is written after everything else (error handling included) has run.</summary>
    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app) => app.UseMiddleware<AccessLogMiddleware>();
}
