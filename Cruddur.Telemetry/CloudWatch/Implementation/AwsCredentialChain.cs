using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// AWSSDK.Core's default credential chain (environment, profile, container, EC2 metadata, web identity),
/// resolved lazily on the sender's background loop — never on a request path and never in a constructor
/// (AWS.Logger hung applications by resolving eagerly: https://github.com/aws/aws-logging-dotnet/issues/253).
/// </summary>
internal static class AwsCredentialChain
{
    /// <summary>A provider that finds the chain's source once and then asks it for current values each time
    /// (the SDK refreshes temporary credentials itself).</summary>
    public static Func<CancellationToken, ValueTask<AwsCredentials>> Create()
    {
        AWSCredentials? source = null;
        return async cancellationToken =>
        {
            source ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null!).WaitAsync(cancellationToken).ConfigureAwait(false);
            var current = await source.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new AwsCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null);
        };
    }
}
