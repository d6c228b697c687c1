using System.Collections.Immutable;
using Cruddur.Grains.Models;
using Orleans.Concurrency;

namespace Cruddur.Grains;

/// <summary>The direct messages between two people, keyed by <see cref="KeyOf"/> of their handles.</summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>One key for the pair whichever of the two asks: the handles in ordinal order, joined by ':'.</summary>
    static string KeyOf(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? $"{a}:{b}" : $"{b}:{a}";

    /// <summary>Oldest first. Reads only.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<DirectMessage>> GetMessagesAsync();

    /// <summary>Stores the message and updates both people's message groups before answering.</summary>
    Task<DirectMessage> SendAsync(Person sender, Person receiver, string message);
}
