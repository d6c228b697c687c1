namespace Cruddur.Telemetry.CloudWatch;

/// <summary>PutLogEvents limits: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html</summary>
internal static class CloudWatchLimits
{
    public const int MaxEventsPerBatch = 10_000;
    public const int MaxBatchBytes = 1_048_576;
    public const int EventOverheadBytes = 26;

    /// <summary>256 KB − 26: the size every region and every version of the docs accepts for one message.</summary>
    public const int MaxMessageBytes = 262_144 - EventOverheadBytes;

    public static readonly TimeSpan MaxBatchSpan = TimeSpan.FromHours(24);

    /// <summary>Appended to a message that was cut to <see cref="MaxMessageBytes"/>.</summary>
    public const string TruncationMarker = "...[truncated by cruddur]";
}
