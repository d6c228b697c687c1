using System.Collections.Immutable;
using ActivityEvent = System.Diagnostics.ActivityEvent;
using ActivityTagsCollection = System.Diagnostics.ActivityTagsCollection;
using Cruddur.Gateway.Json;
using Cruddur.Grains;
using Cruddur.Grains.Models;

namespace Cruddur.Gateway.Api;

/// <summary>The API's answers: JSON in the original's shapes, the original's 422 arrays, and problem+json for the rest.</summary>
public static class ApiResults
{
    public static IResult Activities(ImmutableArray<Activity> activities) =>
        Results.Json(activities, ApiJsonContext.Default.ImmutableArrayActivity);

    public static IResult Messages(ImmutableArray<DirectMessage> messages) =>
        Results.Json(messages, ApiJsonContext.Default.ImmutableArrayDirectMessage);

    /// <summary>
    /// 422 with a JSON array of error codes, as the original answered. A validation failure is not an error of the
    /// service: it is an event on the request's span, carrying the codes.
    /// </summary>
    public static IResult ValidationErrors(params string[] codes)
    {
        System.Diagnostics.Activity.Current?.AddEvent(new ActivityEvent("validation_failed",
            tags: new ActivityTagsCollection { ["app.validation_errors"] = codes }));
        return Results.Json(codes, ApiJsonContext.Default.StringArray, statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    public static IResult Problem(int status, string title, string? detail = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not Found", detail);

    public static IResult InvalidHandle() => Problem(StatusCodes.Status400BadRequest, "Invalid handle",
        $"A handle is 1 to {Handle.MaxLength} letters, digits or underscores after the '@'.");

    public static IResult UnknownUser(string handle) => NotFound($"Nobody has the handle @{handle}.");
}
