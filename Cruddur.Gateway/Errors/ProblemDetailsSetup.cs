using System.Diagnostics;

namespace Cruddur.Gateway.Errors;

/// <summary>Every error that is not a validation error is RFC 7807 problem+json carrying the trace id, never a stack.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddCruddurProblemDetails(this IServiceCollection services)
    {
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current is { } activity
                ? activity.TraceId.ToHexString()
                : context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<ClusterUnavailableExceptionHandler>();
        return services;
    }
}
