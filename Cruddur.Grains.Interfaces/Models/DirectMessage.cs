namespace Cruddur.Grains.Models;

/// <summary>
/// A direct message as the original's messages pages read it. In a conversation, <see cref="Handle"/> is the sender;
/// in the list of message groups it is the other person and <see cref="Message"/> the conversation's last message.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DirectMessage(
    [property: Id(0)] Guid Uuid,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Handle,
    [property: Id(3)] string Message,
    [property: Id(4)] DateTimeOffset CreatedAt);
