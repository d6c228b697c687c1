using Cruddur.Gateway.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Cruddur.Gateway.Errors;

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the request's <c>Accept</c> says. ASP.NET Core's
/// own writer declines when the client accepts neither JSON nor <c>*/*</c> (a browser's <c>text/html</c>), which left
/// status-code pages with an empty body and <c>Results.Problem</c> with a body that lost its <c>traceId</c>.
/// Registered ahead of the default writer, so it is the one used.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var response = context.HttpContext.Response;
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(response.WriteAsJsonAsync(problem, ApiJsonContext.Default.ProblemDetails, "application/problem+json"));
    }
}
