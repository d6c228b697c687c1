using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>A person's conversations, keyed by their handle: the other person and the last message, newest first.</summary>
public interface IMessageGroupsGrain : IGrainWithStringKey
{
    /// <summary>Reads only.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<DirectMessage>> GetGroupsAsync();

    /// <summary>The conversation with <c>group.Handle</c> has a new last message.</summary>
    Task UpdateAsync(DirectMessage group);
}
