using System.Collections.Immutable;
using Cruddur.Gateway.Json;
using Cruddur.Grains;
using Cruddur.Grains.Models;

namespace Cruddur.Gateway.Endpoints;

/// <summary><c>/api/activities/*</c>: home, notifications, search, and <c>@handle</c>.</summary>
public static class ActivitiesEndpoints
{
    public const string SearchTermBlank = "search_term_blank";

    public static IEndpointRouteBuilder MapActivities(this IEndpointRouteBuilder app)
    {
        var activities = app.MapGroup("/api/activities");

        activities.MapGet("/home", async (IGrainFactory grains) =>
            Activities(await grains.GetGrain<IHomeTimelineGrain>(IHomeTimelineGrain.PublicTimeline).GetActivitiesAsync()));

        activities.MapGet("/notifications", async (IGrainFactory grains) =>
            Activities(await grains.GetGrain<INotificationsGrain>(IHomeTimelineGrain.PublicTimeline).GetNotificationsAsync()));

        activities.MapGet("/search", async (string? term, IGrainFactory grains) =>
            string.IsNullOrWhiteSpace(term)
                ? ValidationErrors(SearchTermBlank)
                : Activities(await grains.GetGrain<ISearchGrain>(0).SearchAsync(term)));

        // One catch-all for "@handle" so that every malformed handle ("@", "@../x", "@%00", too long)
        // is answered 400 here instead of falling through to a 404 or reaching a grain key.
        activities.MapGet("/{**target}", async (string? target, IGrainFactory grains) =>
        {
            if (target is null || !target.StartsWith('@'))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found");
            }

            var handle = target[1..];
            if (!Handle.IsValid(handle))
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid handle",
                    detail: $"A handle is 1 to {Handle.MaxLength} letters, digits or underscores after the '@'.");
            }

            return Activities(await grains.GetGrain<IUserActivityGrain>(handle).GetActivitiesAsync());
        });

        return app;
    }

    private static IResult Activities(ImmutableArray<Activity> activities) =>
        Results.Json(activities, ApiJsonContext.Default.ImmutableArrayActivity);

    /// <summary>The original's validation convention: 422 with a JSON array of error codes.</summary>
    private static IResult ValidationErrors(params string[] codes) =>
        Results.Json(codes, ApiJsonContext.Default.StringArray, statusCode: StatusCodes.Status422UnprocessableEntity);
}
