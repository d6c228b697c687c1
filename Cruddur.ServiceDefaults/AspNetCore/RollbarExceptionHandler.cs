using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Reports the gateway's unhandled exceptions with their HTTP request, then lets the next handler (and finally the
/// problem+json writer) answer: it never handles the exception itself, so the response is unchanged. Exceptions a silo
/// already reported arrive marked (<see cref="RollbarReportedMarker"/>) and are skipped.
/// </summary>
internal sealed class RollbarExceptionHandler(IRollbarNotifier notifier) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (notifier.Enabled && !RollbarReportedMarker.IsReported(exception))
        {
            var endpoint = httpContext.GetEndpoint()?.DisplayName;
            notifier.Report(exception, RollbarLevel.Error, RollbarHttpRequest.From(httpContext), context: endpoint);
        }

        return ValueTask.FromResult(false);
    }
}
