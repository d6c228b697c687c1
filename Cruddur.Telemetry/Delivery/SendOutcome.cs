namespace Cruddur.Telemetry.Delivery;

/// <summary>What one attempt to send one batch came to.</summary>
internal enum SendStatus
{
    /// <summary>Delivered (some items may still have been refused: <see cref="SendOutcome.Rejected"/>).</summary>
    Success,

    /// <summary>The service asked to wait until <see cref="SendOutcome.RetryAt"/> (HTTP 429 and its reset header).</summary>
    RetryAfter,

    /// <summary>Worth another try after a back-off (5xx, throttling, connection errors, time-outs).</summary>
    Retryable,

    /// <summary>Will never succeed: drop the batch, counted under <see cref="SendOutcome.Reason"/>.</summary>
    Drop,
}

/// <summary>The one answer an <see cref="ISinkTransport{TBatch}"/> gives for one send.</summary>
internal readonly record struct SendOutcome(SendStatus Status, DateTimeOffset RetryAt = default, DropReason Reason = DropReason.Rejected, int Rejected = 0)
{
    public static SendOutcome Retryable { get; } = new(SendStatus.Retryable);

    /// <param name="rejected">Items of the batch the service refused although the request succeeded (not retried).</param>
    public static SendOutcome Delivered(int rejected = 0) => new(SendStatus.Success, Rejected: rejected);

    public static SendOutcome RetryAfter(DateTimeOffset until) => new(SendStatus.RetryAfter, RetryAt: until);

    public static SendOutcome Drop(DropReason reason) => new(SendStatus.Drop, Reason: reason);
}
