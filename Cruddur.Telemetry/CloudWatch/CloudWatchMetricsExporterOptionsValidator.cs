using Microsoft.Extensions.Options;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>What keeps <see cref="CloudWatchMetricsExporter"/> from starting (nothing while it is off).</summary>
internal sealed class CloudWatchMetricsExporterOptionsValidator : IValidateOptions<CloudWatchMetricsExporterOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudWatchMetricsExporterOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
