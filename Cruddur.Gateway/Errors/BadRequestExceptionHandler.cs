using Microsoft.AspNetCore.Diagnostics;

namespace Cruddur.Gateway.Errors;

/// <summary>
/// A request the framework could not bind or read (an unbindable parameter such as a malformed caller header, a body
/// over the limit) is the client's error: its own 4xx as problem+json, never a 500. In Development ASP.NET Core throws
/// these instead of answering them, so without this the same request answered differently by environment.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = badRequest.StatusCode, Detail = "The request could not be read as sent." },
        });
    }
}
