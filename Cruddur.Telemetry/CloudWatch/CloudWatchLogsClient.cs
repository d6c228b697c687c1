using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// A minimal client of the <c>Logs_20140328</c> JSON 1.1 API over its own private HttpClient: no
/// IHttpClientFactory (whose logging handler would feed the sink's requests back into the sink), SigV4 with
/// service <c>logs</c>, a per-request time-out.
/// </summary>
internal sealed class CloudWatchLogsClient : IDisposable
{
    public const string Service = "logs";
    public const string ContentType = "application/x-amz-json-1.1";
    public const string TargetPrefix = "Logs_20140328.";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _http;
    private readonly Func<CancellationToken, ValueTask<AwsCredentials>> _credentials;
    private readonly TimeProvider _time;

    public CloudWatchLogsClient(Uri endpoint, string region, Func<CancellationToken, ValueTask<AwsCredentials>> credentials,
        TimeProvider time, TimeSpan requestTimeout, HttpMessageHandler? handler = null)
    {
        Endpoint = endpoint;
        Region = region;
        _credentials = credentials;
        _time = time;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, requestTimeout.TotalSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = true,
        })
        {
            Timeout = requestTimeout,
        };
    }

    public Uri Endpoint { get; }
    public string Region { get; }

    public static byte[] PutLogEventsBody(string group, string stream, IReadOnlyList<CloudWatchLogEvent> events)
    {
        // Sized once for the whole batch (messages are JSON, so escaping adds roughly a fifth), instead of doubling
        // its way up to ~1 MB on the large object heap.
        long estimate = 1024 + group.Length + stream.Length;
        foreach (var e in events)
        {
            estimate += (e.Utf8Bytes * 5L / 4) + 48;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(estimate, 4L * CloudWatchLimits.MaxBatchBytes));
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("logGroupName", group);
            w.WriteString("logStreamName", stream);
            w.WriteStartArray("logEvents");
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteNumber("timestamp", e.Timestamp);
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Body(params (string Name, string Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public Task<CloudWatchLogsResponse> PutLogEventsAsync(string group, string stream, IReadOnlyList<CloudWatchLogEvent> events, CancellationToken ct) =>
        SendAsync("PutLogEvents", PutLogEventsBody(group, stream, events), ct);

    public Task<CloudWatchLogsResponse> CreateLogGroupAsync(string group, CancellationToken ct) =>
        SendAsync("CreateLogGroup", Body(("logGroupName", group)), ct);

    public Task<CloudWatchLogsResponse> CreateLogStreamAsync(string group, string stream, CancellationToken ct) =>
        SendAsync("CreateLogStream", Body(("logGroupName", group), ("logStreamName", stream)), ct);

    /// <summary>The signed request for <paramref name="operation"/>, exactly as it goes on the wire.</summary>
    public HttpRequestMessage BuildRequest(string operation, byte[] body, AwsCredentials credentials, DateTimeOffset now)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        var host = Endpoint.IsDefaultPort ? Endpoint.IdnHost : $"{Endpoint.IdnHost}:{Endpoint.Port}";
        var amzDate = SigV4Signer.AmzDate(now);
        var target = TargetPrefix + operation;

        var signed = new List<KeyValuePair<string, string>>
        {
            new("content-type", ContentType),
            new("host", host),
            new("x-amz-date", amzDate),
            new("x-amz-target", target),
        };
        request.Headers.Host = host;
        request.Headers.Add("X-Amz-Date", amzDate);
        request.Headers.Add("X-Amz-Target", target);
        if (credentials.SessionToken is { Length: > 0 } token)
        {
            signed.Add(new("x-amz-security-token", token));
            request.Headers.Add("X-Amz-Security-Token", token);
        }

        var path = Endpoint.AbsolutePath.Length == 0 ? "/" : Endpoint.AbsolutePath;
        request.Headers.TryAddWithoutValidation("Authorization",
            SigV4Signer.Authorization("POST", path, signed, body, Region, Service, credentials, now));
        return request;
    }

    /// <summary>Sends one call; never throws except when <paramref name="ct"/> is cancelled.</summary>
    public async Task<CloudWatchLogsResponse> SendAsync(string operation, byte[] body, CancellationToken ct)
    {
        AwsCredentials credentials;
        try
        {
            credentials = await _credentials(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return new CloudWatchLogsResponse(0, "CredentialsUnavailable", $"{ex.GetType().Name}: {ex.Message}", string.Empty);
        }

        using var request = BuildRequest(operation, body, credentials, _time.GetUtcNow());
        try
        {
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            return CloudWatchLogsResponse.Parse((int)response.StatusCode, text, errorType);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // TaskCanceledException without our token cancelled = HttpClient.Timeout: a server that never answers.
            return CloudWatchLogsResponse.Transport($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
