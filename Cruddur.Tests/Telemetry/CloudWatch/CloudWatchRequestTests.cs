using System.Text;
using System.Text.Json;
using Cruddur.Telemetry.CloudWatch;

namespace Cruddur.Tests.Telemetry.CloudWatch;

public class CloudWatchRequestTests
{
    private static readonly DateTimeOffset Clock = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    private static CloudWatchLogsClient Client(string endpoint = "https://logs.eu-west-1.amazonaws.com/") =>
        new(new Uri(endpoint), "eu-west-1", _ => ValueTask.FromResult(CloudWatchTestSink.ExampleCredentials), TimeProvider.System, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task PutLogEvents_request_has_target_content_type_and_json_body()
    {
        using var client = Client();
        CloudWatchLogEvent[] events = [new(1_795_000_000_000, """{"message":"hi \"there\" <é>"}"""), new(1_795_000_000_001, "second")];
        var body = CloudWatchLogsClient.PutLogEventsBody("cruddur", "cruddur-gateway/host/42-abcd", events);
        using var request = client.BuildRequest("PutLogEvents", body, CloudWatchTestSink.ExampleCredentials, Clock);

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://logs.eu-west-1.amazonaws.com/", request.RequestUri!.ToString());
        Assert.Equal("Logs_20140328.PutLogEvents", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.1", request.Content!.Headers.GetValues("Content-Type").Single());
        Assert.Equal("logs.eu-west-1.amazonaws.com", request.Headers.Host);
        Assert.Equal("20261128T140000Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/eu-west-1/logs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
            request.Headers.GetValues("Authorization").Single());
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));

        using var json = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(["logGroupName", "logStreamName", "logEvents"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cruddur", root.GetProperty("logGroupName").GetString());
        Assert.Equal("cruddur-gateway/host/42-abcd", root.GetProperty("logStreamName").GetString());
        var sent = root.GetProperty("logEvents").EnumerateArray().ToList();
        Assert.Equal(1_795_000_000_000, sent[0].GetProperty("timestamp").GetInt64());
        Assert.Equal(events[0].Message, sent[0].GetProperty("message").GetString());
        Assert.Equal("second", sent[1].GetProperty("message").GetString());
        Assert.False(root.TryGetProperty("sequenceToken", out _));
    }

    [Fact]
    public void Host_header_keeps_a_non_default_port_of_an_endpoint_override()
    {
        using var client = Client("http://127.0.0.1:4566");
        using var request = client.BuildRequest("CreateLogGroup", CloudWatchLogsClient.Body(("logGroupName", "cruddur")), CloudWatchTestSink.ExampleCredentials, Clock);

        Assert.Equal("127.0.0.1:4566", request.Headers.Host);
        Assert.Equal("Logs_20140328.CreateLogGroup", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("""{"logGroupName":"cruddur"}""", Encoding.UTF8.GetString(CloudWatchLogsClient.Body(("logGroupName", "cruddur"))));
    }

    [Theory]
    [InlineData(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""", "ThrottlingException", "Retry")]
    [InlineData(400, """{"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"no stream"}""", "ResourceNotFoundException", "ResourceNotFound")]
    [InlineData(400, """{"__type":"ResourceAlreadyExistsException"}""", "ResourceAlreadyExistsException", "AlreadyExists")]
    [InlineData(400, """{"__type":"UnrecognizedClientException","message":"bad key"}""", "UnrecognizedClientException", "Fatal")]
    [InlineData(403, """{"__type":"AccessDeniedException"}""", "AccessDeniedException", "Fatal")]
    [InlineData(400, """{"__type":"InvalidSignatureException"}""", "InvalidSignatureException", "Fatal")]
    [InlineData(500, "<html>oops</html>", null, "Retry")]
    [InlineData(503, """{"__type":"ServiceUnavailableException"}""", "ServiceUnavailableException", "Retry")]
    [InlineData(429, "", null, "Retry")]
    public void Errors_are_classified_like_botocore_standard_retries(int status, string body, string? code, string outcome)
    {
        var response = CloudWatchLogsResponse.Parse(status, body, null);

        Assert.Equal(code, response.ErrorCode);
        Assert.Equal(outcome, response.Outcome.ToString());
    }

    [Fact]
    public void Error_type_header_is_used_when_the_body_has_none()
    {
        Assert.Equal("ThrottlingException", CloudWatchLogsResponse.Parse(400, "", "ThrottlingException:http://internal.amazon.com/").ErrorCode);
    }

    [Theory]
    [InlineData("""{"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":2}}""", 2)]
    [InlineData("""{"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":8}}""", 2)]
    [InlineData("""{"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":3,"expiredLogEventEndIndex":5,"tooNewLogEventStartIndex":9}}""", 6)]
    [InlineData("""{"nextSequenceToken":"x"}""", 0)]
    public void Rejected_events_are_counted_from_the_indices(string body, int rejected)
    {
        Assert.Equal(rejected, CloudWatchLogsResponse.Parse(200, body, null).RejectedEvents(10));
    }
}
