using Microsoft.Extensions.Options;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>What keeps the Rollbar notifier from starting. Options without an access token are valid: Rollbar is simply off.</summary>
internal sealed class RollbarOptionsValidator : IValidateOptions<RollbarOptions>
{
    public ValidateOptionsResult Validate(string? name, RollbarOptions options) =>
        Problems(options).ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    public static IEnumerable<string> Problems(RollbarOptions options)
    {
        if (!options.Enabled)
        {
            yield break;
        }

        if (options.ConfigurationProblem is { } problem)
        {
            yield return problem;
        }

        if (!options.Endpoint.IsAbsoluteUri || options.Endpoint.Scheme is not ("http" or "https"))
        {
            yield return $"endpoint '{options.Endpoint}' is not an absolute http(s) URL";
        }

        if (options.QueueCapacity < 1)
        {
            yield return "QueueCapacity must be at least 1";
        }

        if (options.MaxAttempts < 1)
        {
            yield return "MaxAttempts must be at least 1";
        }
    }
}
