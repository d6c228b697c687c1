namespace Cruddur.Gateway.Api;

/// <summary><c>POST /api/activities</c>: <c>{"message": "…", "ttl": "7-days"}</c>.</summary>
public sealed record CreateActivityRequest(string? Message, string? Ttl);

/// <summary><c>POST /api/activities/{uuid}/reply</c>: <c>{"message": "…"}</c>.</summary>
public sealed record CreateReplyRequest(string? Message);

/// <summary><c>POST /api/messages</c>: <c>{"message": "…", "user_receiver_handle": "worf"}</c>.</summary>
public sealed record CreateMessageRequest(string? Message, string? UserReceiverHandle);
