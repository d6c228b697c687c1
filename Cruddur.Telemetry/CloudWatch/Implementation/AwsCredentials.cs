namespace Cruddur.Telemetry.CloudWatch;

/// <summary>The three values SigV4 needs. <see cref="ToString"/> never prints the secret.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
