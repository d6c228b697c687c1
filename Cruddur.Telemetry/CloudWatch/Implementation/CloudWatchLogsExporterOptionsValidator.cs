using Microsoft.Extensions.Options;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// What keeps <see cref="CloudWatchLogsExporter"/> from starting. Options without a log group are valid: the sink is
/// simply off. Names and limits: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
/// </summary>
internal sealed class CloudWatchLogsExporterOptionsValidator : IValidateOptions<CloudWatchLogsExporterOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudWatchLogsExporterOptions options) =>
        Problems(options).ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    /// <summary>Empty when the exporter can start (or is off for want of a log group).</summary>
    public static IEnumerable<string> Problems(CloudWatchLogsExporterOptions options)
    {
        if (!options.IsEnabled)
        {
            yield break;
        }

        if (options.ConfigurationProblem is { } problem)
        {
            yield return problem;
        }

        if (options.LogGroupName is { } group && (group.Length > 512 || group.StartsWith("aws/", StringComparison.Ordinal)
            || group.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '#'))))
        {
            yield return $"log group '{group}' is not a valid name ([.-_/#A-Za-z0-9]{{1,512}}, not starting 'aws/')";
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            yield return "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION";
        }
        else if (options.Endpoint is null && !options.Region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            // It becomes part of the host name logs.{region}.amazonaws.com.
            yield return $"AWS region '{options.Region}' is not a region name (like us-east-1)";
        }

        if (options.MaxQueueSize < 1)
        {
            yield return "MaxQueueSize must be at least 1";
        }
    }
}
