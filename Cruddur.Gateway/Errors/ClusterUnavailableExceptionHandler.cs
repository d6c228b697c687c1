using Cruddur.Grains;
using Cruddur.Grains.Hosting;
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
        if (!IsClusterUnavailable(exception))
        {
            return false;
        }

        var reason = Unwrap(exception).GetType().Name;
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
                Detail = Unwrap(exception) is StorageUnavailableException
                    ? "The change could not be stored right now and was not made. Try again shortly."
                    : "The timeline cluster is not reachable right now. Try again shortly.",
            },
        });
    }

    internal static bool IsClusterUnavailable(Exception exception) => exception switch
    {
        StorageUnavailableException or SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or TimeoutException or ClientNotAvailableException => true,
        // Orleans wraps a storage failure while activating a grain: "Error from storage provider … during ReadStateAsync".
        AggregateException or OrleansException when exception.InnerException is { } inner => IsClusterUnavailable(inner),
        _ => false,
    };

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException or OrleansException && exception.InnerException is { } inner ? Unwrap(inner) : exception;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: cluster unavailable ({ExceptionType}), {Count} times since the last such line")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, int count);
}
