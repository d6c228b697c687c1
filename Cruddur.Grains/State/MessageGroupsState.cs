using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains.State;

/// <summary>One person's conversations, newest first: the other person and the last message.</summary>
[GenerateSerializer, Immutable]
public sealed record MessageGroupsState
{
    [Id(0)] public ImmutableArray<DirectMessage> Groups { get; init; } = [];
}
