namespace Cruddur.Telemetry.Delivery;

/// <summary>
/// Every reason a sink gives up on an item: the one list, and the <c>reason</c> tag of the
/// <c>cruddur.telemetry.dropped</c> counter (<see cref="SinkMetrics.AddDropped"/>).
/// </summary>
internal enum DropReason
{
    /// <summary>The bounded queue was full: the sinks' queues drop their oldest item to make room; the console's buffered
    /// standard output drops the write that does not fit.</summary>
    QueueFull,

    /// <summary>Enqueued after shutdown, or still queued or in flight when the shutdown deadline passed.</summary>
    Shutdown,

    /// <summary>Retries ran out (5xx, throttling, connection errors, time-outs).</summary>
    SendFailed,

    /// <summary>The service took the request but refused these items (CloudWatch's rejectedLogEventsInfo, a 4xx).</summary>
    Rejected,

    /// <summary>The service refused the whole request for a reason retrying cannot fix (credentials, permissions).</summary>
    RejectedByService,

    /// <summary>Over the sink's size limit even after trimming.</summary>
    TooLarge,

    /// <summary>Could not be converted or serialized.</summary>
    Invalid,

    /// <summary>A log record the CloudWatch formatter could not turn into an event.</summary>
    FormatFailed,

    /// <summary>X-Ray: a trace id that does not begin with a recent epoch second.</summary>
    InvalidTraceId,

    /// <summary>X-Ray: a segment document could not be written.</summary>
    SerializeFailed,

    /// <summary>X-Ray: the daemon's host name has no address.</summary>
    NoAddress,

    /// <summary>CloudWatch EMF: a metric value the Embedded Metric Format's rules refuse (more than 30 dimension keys, an
    /// empty or over-long dimension value, a value that is not a finite number).</summary>
    EmfRefused,
}

internal static class DropReasonTags
{
    private static readonly string[] Tags =
    [
        "queue_full", "shutdown", "send_failed", "rejected", "rejected_by_service", "too_large", "invalid",
        "format_failed", "invalid_trace_id", "serialize_failed", "no_address", "emf_refused",
    ];

    /// <summary>The metric tag value (snake_case, as the counter has always carried it).</summary>
    public static string Tag(this DropReason reason) => Tags[(int)reason];
}
