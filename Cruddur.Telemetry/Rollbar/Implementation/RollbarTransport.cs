using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cruddur.Telemetry.Delivery;
using Cruddur.Telemetry.Text;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// One item to the items API (https://docs.rollbar.com/reference/create-item) and what the answer means: 2xx
/// delivered; 429 waits until <c>X-Rate-Limit-Reset</c> (https://docs.rollbar.com/reference/rate-limits); 5xx, 408 and
/// connection errors are retryable; any other 4xx drops the item (403/422 said once on stderr). The payload is built
/// from the queued occurrence (stack parsing, scrubbing), serialized and trimmed to
/// <see cref="RollbarOptions.MaxPayloadBytes"/> once, before its first send, on the sender's loop — never on the
/// thread that reported it — and the token travels only in the header.
/// </summary>
internal sealed class RollbarTransport(RollbarOptions options, TimeProvider time, SinkMetrics metrics, SinkDiagnostics diagnostics,
    RollbarPayloadBuilder builder, HttpMessageHandler? handler = null) : ISinkTransport<RollbarQueuedItem>
{
    public const string Sink = "rollbar";
    public const string TokenHeader = "X-Rollbar-Access-Token";

    private readonly HttpClient _http = SinkHttpClient.Create(options.RequestTimeout, handler);

    public Uri Endpoint => options.Endpoint;

    public async Task<SendOutcome> SendAsync(RollbarQueuedItem item, CancellationToken ct)
    {
        if (item.Body is null && Prepare(item) is { } refused)
        {
            return refused;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint)
            {
                Content = new ByteArrayContent(item.Body!) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.TryAddWithoutValidation(TokenHeader, options.AccessToken);
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return SendOutcome.Delivered();
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return SendOutcome.RetryAfter(RateLimitReset(response));
            }

            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                return SendOutcome.Retryable;
            }

            await ReportRejectionAsync(response, ct).ConfigureAwait(false);
            return SendOutcome.Drop(DropReason.Rejected);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // Connection refused or reset, DNS, TLS, or the request timeout.
            return SendOutcome.Retryable;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Builds, serializes and trims the payload once; an outcome when the item cannot be sent at all.</summary>
    private SendOutcome? Prepare(RollbarQueuedItem item)
    {
        JsonObject payload;
        try
        {
            payload = builder.Build(item.Occurrence!);
        }
        catch (Exception ex)
        {
            // Never into the app, never into the logging pipeline.
            diagnostics.ReportOnce(Sink, "build:" + ex.GetType().Name, $"an item could not be built and was dropped: {ex.GetType().Name}: {ex.Message}");
            return SendOutcome.Drop(DropReason.Invalid);
        }
        finally
        {
            item.Occurrence = null; // the exception and the request copy are not kept past the build
        }

        byte[]? body;
        try
        {
            body = RollbarPayloadTrimmer.Fit(payload, options.MaxPayloadBytes, out var trimmed);
            if (trimmed && body is not null)
            {
                metrics.AddTrimmed();
            }
        }
        catch (Exception ex)
        {
            diagnostics.ReportOnce(Sink, "serialize", $"an item could not be serialized and was dropped: {ex.GetType().Name}");
            return SendOutcome.Drop(DropReason.Invalid);
        }

        if (body is null)
        {
            return SendOutcome.Drop(DropReason.TooLarge);
        }

        item.Body = WithoutToken(body); // the bytes are what is kept for retries
        return null;
    }

    /// <summary><c>X-Rate-Limit-Reset</c> (unix seconds), else <c>X-Rate-Limit-Remaining-Seconds</c>, else the default; capped.</summary>
    private DateTimeOffset RateLimitReset(HttpResponseMessage response)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = null;
        if (Header(response, "X-Rate-Limit-Reset") is { } reset)
        {
            until = DateTimeOffset.FromUnixTimeSeconds(reset);
        }
        else if (Header(response, "X-Rate-Limit-Remaining-Seconds") is { } seconds)
        {
            until = now + TimeSpan.FromSeconds(seconds);
        }

        until ??= now + options.DefaultRateLimitPause;
        var cap = now + options.MaxRateLimitPause;
        return until.Value > cap ? cap : until.Value;
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
        && value >= 0
            ? value
            : null;

    private async Task ReportRejectionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string detail;
        try
        {
            detail = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            detail = TextTruncation.Truncate(detail, 500).ToString();
            if (!string.IsNullOrEmpty(options.AccessToken))
            {
                detail = detail.Replace(options.AccessToken, SecretScrubber.Mask, StringComparison.Ordinal);
            }
        }
        catch (Exception)
        {
            detail = string.Empty;
        }

        var meaning = status switch
        {
            401 or 403 => "the access token is missing, invalid, disabled or lacks post_server_item scope; check ROLLBAR_ACCESS_TOKEN",
            422 => "the item was rejected as invalid",
            413 => "the item was too large",
            _ => "the request was rejected",
        };
        diagnostics.ReportOnce(Sink, $"http-{status}",
            $"Rollbar answered HTTP {status} at {options.Endpoint}: {meaning}. Such items are dropped, not retried. {detail}".TrimEnd());
    }

    /// <summary>Last line of defence: the access token never travels inside a payload.</summary>
    private byte[] WithoutToken(byte[] body)
    {
        if (string.IsNullOrEmpty(options.AccessToken) || options.AccessToken.Length < 4)
        {
            return body;
        }

        var token = Encoding.UTF8.GetBytes(options.AccessToken);
        if (body.AsSpan().IndexOf(token) < 0)
        {
            return body;
        }

        var text = Encoding.UTF8.GetString(body).Replace(options.AccessToken, SecretScrubber.Mask, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }
}

/// <summary>
/// A queued item: what the reporter captured (<see cref="RollbarOccurrence"/>: the exception, a copy of the request's
/// fields, the level and trace ids) until the first send, then the bytes that are sent (and resent).
/// </summary>
internal sealed class RollbarQueuedItem(RollbarOccurrence occurrence)
{
    public RollbarOccurrence? Occurrence { get; set; } = occurrence;

    public string Uuid { get; } = occurrence.Uuid;

    public byte[]? Body { get; set; }
}
