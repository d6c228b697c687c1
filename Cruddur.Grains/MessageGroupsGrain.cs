using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Cruddur.Grains.State;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed class MessageGroupsGrain(
    [PersistentState("message-groups", GrainStorage.Name)] IPersistentState<MessageGroupsState> state,
    ILogger<MessageGroupsGrain> logger)
    : Grain, IMessageGroupsGrain
{
    public Task<ImmutableArray<DirectMessage>> GetGroupsAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(state.State.Groups);
    }

    public Task UpdateAsync(DirectMessage group) =>
        state.WriteAsync(
            state.State with { Groups = [group, .. state.State.Groups.Where(g => g.Handle != group.Handle)] },
            logger, DeactivateOnIdle);
}
