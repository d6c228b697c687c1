using Cruddur.Gateway.Api;
using Cruddur.Gateway.Hosting;
using Cruddur.Gateway.Json;
using Cruddur.Grains;
using Cruddur.Grains.Models;

namespace Cruddur.Gateway.Endpoints;

/// <summary><c>/api/message_groups</c> and <c>/api/messages</c>: direct messages between two people.</summary>
public static class MessagesEndpoints
{
    public static IEndpointRouteBuilder MapMessages(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Messages");

        api.MapGet("/message_groups", async (Caller caller, IGrainFactory grains) =>
                ApiResults.Messages(await grains.GetGrain<IMessageGroupsGrain>(caller.Handle).GetGroupsAsync()))
            .WithSummary("The caller's conversations, newest first: the other person and the last message")
            .Produces<DirectMessage[]>();

        api.MapGet("/messages/@{handle}", async (string handle, Caller caller, IGrainFactory grains) =>
            {
                if (Handle.Normalize(handle) is not { } other)
                {
                    return ApiResults.InvalidHandle();
                }

                if (await grains.GetGrain<IUserGrain>(other).GetProfileAsync() is null)
                {
                    return ApiResults.UnknownUser(other);
                }

                var key = IConversationGrain.KeyOf(caller.Handle, other);
                return ApiResults.Messages(await grains.GetGrain<IConversationGrain>(key).GetMessagesAsync());
            })
            .WithSummary("The conversation between the caller and handle, oldest first (handle = the sender)")
            .Produces<DirectMessage[]>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/messages", async (HttpRequest request, Caller caller, IGrainFactory grains) =>
            {
                var (body, error) = await JsonBody.ReadAsync(request, ApiJsonContext.Default.CreateMessageRequest);
                if (body is null)
                {
                    return error!;
                }

                if (Validation.CreateMessage(body) is { } code)
                {
                    return ApiResults.ValidationErrors(code);
                }

                if (Handle.Normalize(body.UserReceiverHandle!.Trim().TrimStart('@')) is not { } receiverHandle)
                {
                    return ApiResults.InvalidHandle();
                }

                if (await grains.GetGrain<IUserGrain>(receiverHandle).GetProfileAsync() is not { } receiver)
                {
                    return ApiResults.UnknownUser(receiverHandle);
                }

                var sender = await grains.GetGrain<IUserGrain>(caller.Handle).EnsureAsync();
                var message = await grains.GetGrain<IConversationGrain>(IConversationGrain.KeyOf(sender.Handle, receiver.Handle))
                    .SendAsync(new Person(sender.Handle, sender.DisplayName), new Person(receiver.Handle, receiver.DisplayName), body.Message!);
                return Results.Json(message, ApiJsonContext.Default.DirectMessage);
            })
            .WithSummary("Sends a direct message")
            .DocumentsJsonBody<CreateMessageRequest>()
            .Produces<DirectMessage>().Produces<string[]>(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
