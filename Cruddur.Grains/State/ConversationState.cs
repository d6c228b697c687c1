using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains.State;

/// <summary>The messages between two people, oldest first, at most <see cref="ConversationGrain.Capacity"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ConversationState
{
    [Id(0)] public ImmutableArray<DirectMessage> Messages { get; init; } = [];
}
