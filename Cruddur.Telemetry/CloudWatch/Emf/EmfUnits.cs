namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// OpenTelemetry (UCUM) units to CloudWatch's unit names. <c>s</c>, <c>ms</c>, <c>us</c>, <c>By</c> and <c>Bi</c> as
/// the OpenTelemetry Collector's awsemfexporter translates them (exporter/awsemfexporter, translateUnit in
/// https://github.com/open-telemetry/opentelemetry-collector-contrib); an annotation such as <c>{request}</c> or
/// <c>{item}</c> is a count; anything CloudWatch has no name for becomes <c>None</c>, which it always accepts
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html).
/// </summary>
internal static class EmfUnits
{
    public const string None = "None";
    public const string Count = "Count";

    public static string ToCloudWatch(string? unit) => unit switch
    {
        null or "" or "1" => None,
        "s" => "Seconds",
        "ms" => "Milliseconds",
        "us" => "Microseconds",
        "By" => "Bytes",
        "kBy" or "KBy" => "Kilobytes",
        "MBy" => "Megabytes",
        "GBy" => "Gigabytes",
        "Bi" => "Bits",
        "%" => "Percent",
        "By/s" => "Bytes/Second",
        "Bi/s" => "Bits/Second",
        _ when IsAnnotation(unit) => Count,
        _ when unit.EndsWith("/s", StringComparison.Ordinal) && IsAnnotation(unit[..^2]) => "Count/Second",
        _ => None,
    };

    /// <summary><c>{request}</c>, <c>{item}</c>, ...: a dimensionless count of things.</summary>
    private static bool IsAnnotation(string unit) =>
        unit.Length >= 2 && unit[0] == '{' && unit[^1] == '}' && unit.IndexOf('}', StringComparison.Ordinal) == unit.Length - 1;
}
