using Cruddur.Gateway.Api;
using Cruddur.Gateway.Hosting;
using Cruddur.Gateway.Json;
using Cruddur.Grains;
using Cruddur.Grains.Models;

namespace Cruddur.Gateway.Endpoints;

/// <summary><c>/api/activities/*</c>: home, notifications, search, a person's page, one post, posting and replying.</summary>
public static class ActivitiesEndpoints
{
    public static IEndpointRouteBuilder MapActivities(this IEndpointRouteBuilder app)
    {
        var activities = app.MapGroup("/api/activities").WithTags("Activities");

        activities.MapGet("/home", async (Caller caller, IGrainFactory grains) =>
                ApiResults.Activities(await grains.GetGrain<IHomeTimelineGrain>(caller.Handle).GetActivitiesAsync()))
            .WithSummary("The caller's home timeline: own posts and those of people they follow, newest first")
            .Produces<Activity[]>();

        activities.MapGet("/notifications", async (Caller caller, IGrainFactory grains) =>
                ApiResults.Activities(await grains.GetGrain<IUserGrain>(caller.Handle).GetNotificationsAsync()))
            .WithSummary("The caller's posts that got replies, newest event first")
            .Produces<Activity[]>();

        activities.MapGet("/search", async (string? term, IGrainFactory grains) =>
                string.IsNullOrWhiteSpace(term)
                    ? ApiResults.ValidationErrors(Validation.SearchTermBlank)
                    : ApiResults.Activities(await grains.GetGrain<ISearchGrain>(0).SearchAsync(term)))
            .WithSummary("Unexpired posts whose message, handle or display name contains the term")
            .Produces<Activity[]>().Produces<string[]>(StatusCodes.Status422UnprocessableEntity);

        activities.MapPost("/", async (HttpRequest request, Caller caller, IGrainFactory grains) =>
            {
                var (body, error) = await JsonBody.ReadAsync(request, ApiJsonContext.Default.CreateActivityRequest);
                if (body is null)
                {
                    return error!;
                }

                if (Validation.CreateActivity(body) is { } code)
                {
                    return ApiResults.ValidationErrors(code);
                }

                var activity = await grains.GetGrain<IUserGrain>(caller.Handle).PostAsync(body.Message!, body.Ttl!);
                return Results.Json(activity, ApiJsonContext.Default.Activity);
            })
            .WithSummary("Posts an activity; it is on the caller's page and every follower's home timeline when this answers")
            .DocumentsJsonBody<CreateActivityRequest>()
            .Produces<Activity>().Produces<string[]>(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status400BadRequest);

        activities.MapGet("/{uuid:guid}", async (Guid uuid, IGrainFactory grains) =>
                await grains.GetGrain<IActivityGrain>(uuid).GetAsync() is { } activity
                    ? Results.Json(activity, ApiJsonContext.Default.Activity)
                    : ApiResults.NotFound($"No activity {uuid}."))
            .WithSummary("One activity with its replies")
            .Produces<Activity>().ProducesProblem(StatusCodes.Status404NotFound);

        activities.MapPost("/{uuid:guid}/reply", async (Guid uuid, HttpRequest request, Caller caller, IGrainFactory grains) =>
            {
                var (body, error) = await JsonBody.ReadAsync(request, ApiJsonContext.Default.CreateReplyRequest);
                if (body is null)
                {
                    return error!;
                }

                if (Validation.CreateReply(body) is { } code)
                {
                    return ApiResults.ValidationErrors(code);
                }

                var post = grains.GetGrain<IActivityGrain>(uuid);
                if (await post.GetAsync() is null)
                {
                    return ApiResults.NotFound($"No activity {uuid}.");
                }

                var me = await grains.GetGrain<IUserGrain>(caller.Handle).EnsureAsync();
                return await post.ReplyAsync(new Person(me.Handle, me.DisplayName), body.Message!) is { } reply
                    ? Results.Json(reply, ApiJsonContext.Default.Reply)
                    : ApiResults.NotFound($"No activity {uuid}.");
            })
            .WithSummary("Replies to an activity")
            .DocumentsJsonBody<CreateReplyRequest>()
            .Produces<Reply>().Produces<string[]>(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status404NotFound);

        // One catch-all for "@handle" so that every malformed handle ("@", "@../x", "@%00", too long)
        // is answered 400 here instead of falling through to a 404 or reaching a grain key.
        activities.MapGet("/{**target}", async (string? target, IGrainFactory grains) =>
            {
                if (target is null || !target.StartsWith('@'))
                {
                    return ApiResults.NotFound("No such activity route.");
                }

                return Handle.Normalize(target[1..]) is { } handle
                    ? ApiResults.Activities(await grains.GetGrain<IUserGrain>(handle).GetActivitiesAsync())
                    : ApiResults.InvalidHandle();
            })
            .WithSummary("@handle: that person's unexpired posts, newest first ([] for an unknown handle)")
            .Produces<Activity[]>().ProducesProblem(StatusCodes.Status400BadRequest);

        return app;
    }
}
