using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cruddur.Telemetry.CloudWatch;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>SigV4 pinned three ways: AWS's published test vector, AWS's documented steps recomputed here, and a value
/// computed with botocore's SigV4Auth for the same PutLogEvents request.</summary>
public class SigV4SignerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Clock = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly AwsCredentials Credentials = new(AccessKey, SecretKey);

    private const string PutBody = """{"logGroupName":"cruddur","logStreamName":"s","logEvents":[{"timestamp":1440938160000,"message":"hello"}]}""";

    [Fact]
    public void Matches_the_aws_sigv4_test_suite_get_vanilla_vector()
    {
        // aws-sig-v4-test-suite/get-vanilla: GET / with Host example.amazonaws.com, service "service", us-east-1.
        var authorization = SigV4Signer.Authorization("GET", "/",
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            [], "us-east-1", "service", Credentials, Clock);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            authorization);
    }

    [Fact]
    public void The_put_request_the_sink_sends_carries_the_documented_signature()
    {
        using var client = new CloudWatchLogsClient(new Uri("https://logs.us-east-1.amazonaws.com/"), "us-east-1",
            _ => ValueTask.FromResult(Credentials), TimeProvider.System, TimeSpan.FromSeconds(5));
        using var request = client.BuildRequest("PutLogEvents", Encoding.UTF8.GetBytes(PutBody), Credentials, Clock);

        var sent = request.Headers.GetValues("Authorization").Single();

        Assert.Equal(DocumentedSteps(), sent);
        // Same request signed with botocore 1.x SigV4Auth(Credentials(AKIDEXAMPLE, …), "logs", "us-east-1"):
        Assert.EndsWith("Signature=6c97925e6d73c9eb2a4d791b98fdeeef5ef93ead3660f4cb29c8d07e42b89ee0", sent);
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
    }

    [Fact]
    public void A_session_token_is_sent_and_signed()
    {
        using var client = new CloudWatchLogsClient(new Uri("https://logs.us-east-1.amazonaws.com/"), "us-east-1",
            _ => ValueTask.FromResult(Credentials), TimeProvider.System, TimeSpan.FromSeconds(5));
        using var request = client.BuildRequest("PutLogEvents", Encoding.UTF8.GetBytes(PutBody), Credentials with { SessionToken = "session-example" }, Clock);

        Assert.Equal("session-example", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,", request.Headers.GetValues("Authorization").Single());
    }

    /// <summary>https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html, step by step, for this request.</summary>
    private static string DocumentedSteps()
    {
        // Step 1: canonical request.
        var payloadHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(PutBody)));
        var canonicalRequest = string.Join('\n',
            "POST",
            "/",
            "",
            "content-type:application/x-amz-json-1.1",
            "host:logs.us-east-1.amazonaws.com",
            "x-amz-date:20150830T123600Z",
            "x-amz-target:Logs_20140328.PutLogEvents",
            "",
            "content-type;host;x-amz-date;x-amz-target",
            payloadHash);
        // Step 2: hash of the canonical request. Step 3: string to sign.
        var stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/logs/aws4_request\n"
            + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        // Step 4: signing key and signature.
        using var kDate = new HMACSHA256(Encoding.UTF8.GetBytes("AWS4" + SecretKey));
        var dateKey = kDate.ComputeHash(Encoding.UTF8.GetBytes("20150830"));
        var regionKey = new HMACSHA256(dateKey).ComputeHash(Encoding.UTF8.GetBytes("us-east-1"));
        var serviceKey = new HMACSHA256(regionKey).ComputeHash(Encoding.UTF8.GetBytes("logs"));
        var signingKey = new HMACSHA256(serviceKey).ComputeHash(Encoding.UTF8.GetBytes("aws4_request"));
        var signature = Hex(new HMACSHA256(signingKey).ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
        // Step 5: the header.
        return $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/logs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}";
    }

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
