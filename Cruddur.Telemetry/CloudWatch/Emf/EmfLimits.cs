namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// The Embedded Metric Format's rules
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
/// </summary>
internal static class EmfLimits
{
    /// <summary>Metrics in one <c>CloudWatchMetrics</c> directive; more go into another document.</summary>
    public const int MaxMetricsPerDirective = 100;

    /// <summary>Keys in one dimension set; a metric with more is refused (dropped and counted).</summary>
    public const int MaxDimensionKeys = 30;

    /// <summary>Values in one metric's array; a longer distribution is split over several documents.</summary>
    public const int MaxValuesPerArray = 100;

    /// <summary>Characters in a dimension value; a longer value is refused like too many keys.</summary>
    public const int MaxDimensionValueLength = 1024;
}
