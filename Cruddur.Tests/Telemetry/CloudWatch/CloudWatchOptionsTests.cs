using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Configuration;

namespace Cruddur.Tests.Telemetry.CloudWatch;

public class CloudWatchOptionsTests
{
    private static CloudWatchLogsExporterOptions Read(params (string Key, string Value)[] values) =>
        new CloudWatchLogsExporterOptions().ReadConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    [Fact]
    public void Off_without_a_log_group()
    {
        Assert.False(Read(("AWS_REGION", "us-east-1")).IsEnabled);
        Assert.False(Read(("CLOUDWATCH_LOG_GROUP", "  ")).IsEnabled);
        Assert.True(Read(("CLOUDWATCH_LOG_GROUP", "cruddur")).IsEnabled);
    }

    [Fact]
    public void Region_and_endpoint_follow_the_aws_precedence()
    {
        var options = Read(("CLOUDWATCH_LOG_GROUP", "cruddur"), ("AWS_REGION", "eu-west-1"), ("AWS_DEFAULT_REGION", "us-west-2"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1111"), ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:2222"));
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(new Uri("http://127.0.0.1:2222"), options.ResolveEndpoint());

        var fallback = Read(("AWS_DEFAULT_REGION", "us-west-2"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1111"));
        Assert.Equal("us-west-2", fallback.Region);
        Assert.Equal(new Uri("http://127.0.0.1:1111"), fallback.ResolveEndpoint());

        Assert.Equal(new Uri("https://logs.eu-west-1.amazonaws.com/"), Read(("AWS_REGION", "eu-west-1")).ResolveEndpoint());
    }

    [Fact]
    public void Configuration_problems_are_named_instead_of_thrown()
    {
        Assert.Contains(CloudWatchLogsExporterOptionsValidator.Problems(Read(("CLOUDWATCH_LOG_GROUP", "cruddur"))), p => p.Contains("AWS_REGION", StringComparison.Ordinal));
        Assert.Contains(CloudWatchLogsExporterOptionsValidator.Problems(Read(("CLOUDWATCH_LOG_GROUP", "bad:name"), ("AWS_REGION", "us-east-1"))), p => p.Contains("bad:name", StringComparison.Ordinal));
        Assert.Contains(CloudWatchLogsExporterOptionsValidator.Problems(Read(("CLOUDWATCH_LOG_GROUP", "cruddur"), ("AWS_REGION", "us-east-1"), ("AWS_ENDPOINT_URL", "not a url"))), p => p.Contains("not a url", StringComparison.Ordinal));
        Assert.Contains(CloudWatchLogsExporterOptionsValidator.Problems(Read(("CLOUDWATCH_LOG_GROUP", "cruddur"), ("AWS_REGION", "us east-1"))), p => p.Contains("us east-1", StringComparison.Ordinal));
        Assert.Empty(CloudWatchLogsExporterOptionsValidator.Problems(Read(("CLOUDWATCH_LOG_GROUP", "cruddur"), ("AWS_REGION", "us-east-1"))));
    }

    [Fact]
    public async Task Keys_from_configuration_become_the_credentials()
    {
        var options = Read(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), ("AWS_SESSION_TOKEN", "tok"));
        var credentials = await options.Credentials!(CancellationToken.None);
        Assert.Equal(new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok"), credentials);
        Assert.DoesNotContain("wJalr", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_stream_is_service_host_pid_random_without_forbidden_characters()
    {
        var a = CloudWatchLogsExporterOptions.DefaultStreamName("cruddur:gateway*");
        Assert.Matches($"^cruddur_gateway_/{Environment.MachineName}/{Environment.ProcessId}-[0-9a-f]{{8}}$", a);
        Assert.NotEqual(a, CloudWatchLogsExporterOptions.DefaultStreamName("cruddur:gateway*"));
    }
}

/// <summary>AWSSDK.Core's chain reading the environment. Alone (not parallel): environment variables are process-wide.</summary>
[Collection(InProcessTelemetryHost.Name)]
public class AwsCredentialChainTests
{
    [Fact]
    public async Task The_sdk_chain_finds_environment_credentials_without_touching_instance_metadata()
    {
        string[] keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EC2_METADATA_DISABLED"];
        var saved = keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);

            var credentials = await AwsCredentialChain.Create()(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal("AKIDEXAMPLE", credentials.AccessKeyId);
            Assert.Equal("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", credentials.SecretAccessKey);
            Assert.Null(credentials.SessionToken);
        }
        finally
        {
            foreach (var (key, value) in saved)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
        }
    }
}
