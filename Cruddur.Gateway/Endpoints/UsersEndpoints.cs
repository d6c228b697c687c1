using Cruddur.Gateway.Api;
using Cruddur.Gateway.Json;
using Cruddur.Grains;
using Cruddur.Grains.Models;

namespace Cruddur.Gateway.Endpoints;

/// <summary><c>/api/users/@handle</c>: a profile, and following.</summary>
public static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users");

        users.MapGet("/@{handle}", async (string handle, IGrainFactory grains) =>
            {
                if (Handle.Normalize(handle) is not { } key)
                {
                    return ApiResults.InvalidHandle();
                }

                return await grains.GetGrain<IUserGrain>(key).GetProfileAsync() is { } profile
                    ? Results.Json(profile, ApiJsonContext.Default.UserProfile)
                    : ApiResults.UnknownUser(key);
            })
            .WithSummary("A person's profile and counts")
            .Produces<UserProfile>().ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/@{handle}/follow", (string handle, Caller caller, IGrainFactory grains) =>
                FollowAsync(handle, caller, grains, follow: true))
            .WithSummary("The caller follows handle")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        users.MapDelete("/@{handle}/follow", (string handle, Caller caller, IGrainFactory grains) =>
                FollowAsync(handle, caller, grains, follow: false))
            .WithSummary("The caller unfollows handle")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<IResult> FollowAsync(string handle, Caller caller, IGrainFactory grains, bool follow)
    {
        if (Handle.Normalize(handle) is not { } target)
        {
            return ApiResults.InvalidHandle();
        }

        var me = grains.GetGrain<IUserGrain>(caller.Handle);
        var outcome = follow ? await me.FollowAsync(target) : await me.UnfollowAsync(target);
        return outcome switch
        {
            FollowOutcome.Self => ApiResults.ValidationErrors(Validation.CannotFollowSelf),
            FollowOutcome.UnknownUser => ApiResults.UnknownUser(target),
            _ => Results.NoContent(),
        };
    }
}
