using Cruddur.Grains;
using Cruddur.ServiceDefaults;
using Cruddur.Telemetry;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Cruddur.Gateway.Errors;

/// <summary>
/// A grain call that cannot reach a silo, gets no answer in time, or whose write could not be stored is a 503, not a
/// 500 or a hang. A storage failure was already reported to Rollbar by the silo that hit it; here it is a warning.
/// </summary>
internal sealed partial class ClusterUnavailableExceptionHandler(
    IProblemDetailsService problemDetails, ILogger<ClusterUnavailableExceptionHandler> logger, TimeProvider time) : IExceptionHandler
{
    private readonly LogThrottle _throttle = new(time, LogThrottle.DefaultInterval);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Cause(exception) is not { } cause)
        {
            return false;
        }

        var reason = cause.GetType().Name;
        if (_throttle.Count(reason) is > 0 and var count)
        {
            LogUnavailable(logger, reason, count);
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = cause is StorageUnavailableException
                    ? "The change could not be stored right now and was not made. Try again shortly."
                    : "The timeline cluster is not reachable right now. Try again shortly.",
            },
        });
    }

    /// <summary>
    /// The cluster-unavailable failure in the exception or behind its wrappers (Orleans wraps a storage failure while
    /// activating a grain as "Error from storage provider … during ReadStateAsync"), or null for any other failure.
    /// </summary>
    internal static Exception? Cause(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageUnavailableException or SiloUnavailableException or OrleansMessageRejectionException
                or ConnectionFailedException or GatewayTooBusyException or TimeoutException or ClientNotAvailableException)
            {
                return current;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: cluster unavailable ({ExceptionType}), {Count} times since the last such line")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, int count);
}
