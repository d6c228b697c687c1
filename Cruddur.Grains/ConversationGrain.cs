using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Cruddur.Grains.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed partial class ConversationGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    [PersistentState("conversation", GrainStorage.Name)] IPersistentState<ConversationState> state,
    ILogger<ConversationGrain> logger)
    : Grain, IConversationGrain
{
    /// <summary>A conversation keeps its newest 1,000 messages.</summary>
    public const int Capacity = 1000;

    public Task<ImmutableArray<DirectMessage>> GetMessagesAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(state.State.Messages);
    }

    public async Task<DirectMessage> SendAsync(Person sender, Person receiver, string message)
    {
        using var span = GrainDiagnostics.Source.StartActivity("create-message");
        var sent = new DirectMessage(Guid.NewGuid(), sender.DisplayName, sender.Handle, message, time.GetUtcNow());
        var messages = state.State.Messages.Add(sent);
        if (messages.Length > Capacity)
        {
            messages = messages.RemoveRange(0, messages.Length - Capacity);
        }

        await state.WriteAsync(state.State with { Messages = messages }, logger, DeactivateOnIdle);
        await Task.WhenAll(
            GrainFactory.GetGrain<IMessageGroupsGrain>(sender.Handle).UpdateAsync(sent with { Handle = receiver.Handle, DisplayName = receiver.DisplayName }),
            sender.Handle == receiver.Handle
                ? Task.CompletedTask
                : GrainFactory.GetGrain<IMessageGroupsGrain>(receiver.Handle).UpdateAsync(sent));

        span?.SetTag("app.result_length", messages.Length);
        LogCreateMessage(logger, sent.Uuid);
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CreateMessage {MessageUuid}")]
    private static partial void LogCreateMessage(ILogger logger, Guid messageUuid);
}
