using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cruddur.Telemetry.Delivery;

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
        _http = SinkHttpClient.Create(requestTimeout, handler);
    }

    public Uri Endpoint { get; }
    public string Region { get; }

    /// <summary>The body of <see cref="RentPutLogEventsBody"/> in an array of its own (tests, benchmarks).</summary>
    public static byte[] PutLogEventsBody(string group, string stream, IReadOnlyList<CloudWatchLogEvent> events)
    {
        var rented = RentPutLogEventsBody(group, stream, events, out var length);
        var body = rented.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(rented);
        return body;
    }

    /// <summary>
    /// <c>{"logGroupName":…,"logStreamName":…,"logEvents":[{"timestamp":…,"message":…},…]}</c>, exactly what
    /// <see cref="Utf8JsonWriter"/> writes for it, assembled by hand: every message is already a JSON string literal
    /// (<see cref="CloudWatchLogEvent.MessageJson"/>), so the size is known before writing and each message is copied
    /// once. The body (up to 1 MB) is the first <paramref name="length"/> bytes of an array rented from
    /// <see cref="ArrayPool{T}.Shared"/>: a new array per request was a large-object-heap allocation that brought on
    /// full collections every few seconds under load.
    /// </summary>
    public static byte[] RentPutLogEventsBody(string group, string stream, IReadOnlyList<CloudWatchLogEvent> events, out int length)
    {
        var groupJson = JsonEncodedText.Encode(group, WriterOptions.Encoder).EncodedUtf8Bytes;
        var streamJson = JsonEncodedText.Encode(stream, WriterOptions.Encoder).EncodedUtf8Bytes;
        ReadOnlySpan<byte> head = "{\"logGroupName\":\""u8;
        ReadOnlySpan<byte> afterGroup = "\",\"logStreamName\":\""u8;
        ReadOnlySpan<byte> afterStream = "\",\"logEvents\":["u8;
        ReadOnlySpan<byte> eventHead = "{\"timestamp\":"u8;
        ReadOnlySpan<byte> eventMessage = ",\"message\":"u8;
        ReadOnlySpan<byte> tail = "]}"u8;

        long size = head.Length + groupJson.Length + afterGroup.Length + streamJson.Length + afterStream.Length + tail.Length;
        for (var i = 0; i < events.Count; i++) // by index: no boxed enumerator
        {
            var e = events[i];
            size += (i == 0 ? 0 : 1) + eventHead.Length + Digits(e.Timestamp) + eventMessage.Length + e.MessageJson.Length + 1;
        }

        length = checked((int)size);
        var body = ArrayPool<byte>.Shared.Rent(length);
        var w = new SpanWriter(body.AsSpan(0, length));
        w.Write(head);
        w.Write(groupJson);
        w.Write(afterGroup);
        w.Write(streamJson);
        w.Write(afterStream);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (i > 0)
            {
                w.Write((byte)',');
            }

            w.Write(eventHead);
            w.Write(e.Timestamp);
            w.Write(eventMessage);
            w.Write(e.MessageJson);
            w.Write((byte)'}');
        }

        w.Write(tail);
        if (w.Position != length)
        {
            ArrayPool<byte>.Shared.Return(body);
            throw new InvalidOperationException($"PutLogEvents body is {w.Position} bytes, sized for {length}.");
        }

        return body;
    }

    private static int Digits(long value)
    {
        var digits = value < 0 ? 2 : 1; // the sign
        var magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        while (magnitude >= 10)
        {
            magnitude /= 10;
            digits++;
        }

        return digits;
    }

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Position..]);
            Position += bytes.Length;
        }

        public void Write(byte b) => _destination[Position++] = b;

        public void Write(long number)
        {
            if (!number.TryFormat(_destination[Position..], out var written, default, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("PutLogEvents body sized too small for a timestamp.");
            }

            Position += written;
        }
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

    public async Task<CloudWatchLogsResponse> PutLogEventsAsync(string group, string stream, IReadOnlyList<CloudWatchLogEvent> events, CancellationToken ct)
    {
        var body = RentPutLogEventsBody(group, stream, events, out var length);
        var response = await SendAsync("PutLogEvents", body.AsMemory(0, length), ct).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            // The service answered after reading the whole body. After a failure or time-out the handler may still be
            // writing it to the abandoned connection, so then the array is left to the garbage collector.
            ArrayPool<byte>.Shared.Return(body);
        }

        return response;
    }

    public Task<CloudWatchLogsResponse> CreateLogGroupAsync(string group, CancellationToken ct) =>
        SendAsync("CreateLogGroup", Body(("logGroupName", group)), ct);

    public Task<CloudWatchLogsResponse> CreateLogStreamAsync(string group, string stream, CancellationToken ct) =>
        SendAsync("CreateLogStream", Body(("logGroupName", group), ("logStreamName", stream)), ct);

    /// <summary>The signed request for <paramref name="operation"/>, exactly as it goes on the wire.</summary>
    public HttpRequestMessage BuildRequest(string operation, ReadOnlyMemory<byte> body, AwsCredentials credentials, DateTimeOffset now)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ReadOnlyMemoryContent(body) };
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
            SigV4Signer.Authorization("POST", path, signed, body.Span, Region, Service, credentials, now));
        return request;
    }

    /// <summary>Sends one call; never throws except when <paramref name="ct"/> is cancelled.</summary>
    public async Task<CloudWatchLogsResponse> SendAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken ct)
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
