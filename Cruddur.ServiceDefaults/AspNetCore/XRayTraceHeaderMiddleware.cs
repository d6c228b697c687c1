using System.Diagnostics;
using Cruddur.Telemetry.XRay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cruddur.Telemetry;

public static class XRayTraceHeaderMiddleware
{
    /// <summary>
    /// Answers every request with <c>X-Amzn-Trace-Id: Root=1-…-…</c>, the X-Ray form of the request's trace id
    /// (the incoming side is <see cref="XRayDistributedContextPropagator"/>'s, the runtime propagator
    /// AddCruddurTelemetry installs). Written when the response starts, so error pages
    /// from the exception handler carry it too.
    /// </summary>
    public static IApplicationBuilder UseXRayTraceHeader(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        if (Activity.Current is { } activity)
        {
            context.Response.OnStarting(static state =>
            {
                var (http, traceId) = ((HttpContext, ActivityTraceId))state;
                http.Response.Headers[TraceHeaders.AmazonTraceId] = XRayTraceHeader.FormatRoot(traceId);
                return Task.CompletedTask;
            }, (context, activity.TraceId));
        }

        return next(context);
    });
}
