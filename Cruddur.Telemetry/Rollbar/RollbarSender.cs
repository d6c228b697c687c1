using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Cruddur.Telemetry.Delivery;
using OpenTelemetry;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Delivers items to the items API from a bounded queue on one background loop: retries 5xx and connection errors with
/// back-off, pauses on 429 until <c>X-Rate-Limit-Reset</c>, drops 4xx answers (403/422 said once on stderr), trims
/// oversize items, and on shutdown flushes within a deadline. Its HttpClient is private and its requests run with
/// instrumentation suppressed, so the sink never traces, logs or reports through itself.
/// </summary>
internal sealed class RollbarSender : IAsyncDisposable
{
    public const string TokenHeader = "X-Rollbar-Access-Token";
    private const string Sink = "rollbar";

    private readonly RollbarOptions _options;
    private readonly TimeProvider _time;
    private readonly DeliveryQueue<RollbarQueuedItem> _queue;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _progress = NewSignal();
    private int _busy;
    private int _shutdown;

    public RollbarSender(RollbarOptions options, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        Metrics = new SinkMetrics(Sink, () => _queue?.Count ?? 0);
        _queue = new DeliveryQueue<RollbarQueuedItem>(options.QueueCapacity, Metrics);
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
        })
        {
            Timeout = options.RequestTimeout,
        };
        _loop = Task.Run(RunAsync);
    }

    public SinkMetrics Metrics { get; }

    public long QueueLength => _queue.Count;

    /// <summary>While set and in the future, nothing is sent (Rollbar answered 429).</summary>
    public DateTimeOffset? PausedUntil { get; private set; }

    /// <summary>Test hook: raised when the loop starts waiting until a time (a 429 pause or a back-off), after its timer exists.</summary>
    internal event Action<DateTimeOffset>? WaitingUntil;

    /// <summary>Never blocks and never throws; false when the sender is shut down.</summary>
    public bool TryEnqueue(JsonObject payload, string uuid) =>
        Volatile.Read(ref _shutdown) == 0 && _queue.TryAdd(new RollbarQueuedItem(payload, uuid));

    /// <summary>Waits until everything queued so far was delivered or dropped, or the timeout passed.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (_queue.Count == 0 && Volatile.Read(ref _busy) == 0)
            {
                return true;
            }

            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero || _loop.IsCompleted)
            {
                return false;
            }

            try
            {
                await progress.WaitAsync(left, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>Stops accepting items, sends what is queued within <paramref name="timeout"/>, drops (and counts) the rest.</summary>
    public async Task ShutdownAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 1)
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        _queue.Complete();
        await FlushAsync(timeout).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        while (_queue.TryTake(out _))
        {
            Metrics.AddDropped("shutdown");
        }

        _http.Dispose();
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync(_options.ShutdownTimeout).ConfigureAwait(false);

    private async Task RunAsync()
    {
        // The sink's own HTTP calls must not become spans (or logs) of the app it reports on.
        using var suppress = SuppressInstrumentationScope.Begin();
        var token = _stop.Token;
        try
        {
            while (await _queue.WaitToTakeAsync(token).ConfigureAwait(false))
            {
                Volatile.Write(ref _busy, 1);
                while (_queue.TryTake(out var item))
                {
                    try
                    {
                        await DeliverAsync(item, token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        Metrics.AddDropped("shutdown"); // the item in flight when the shutdown deadline passed
                        throw;
                    }

                    Signal();
                }

                Volatile.Write(ref _busy, 0);
                Signal();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Shutdown deadline passed: the caller counts what is left.
        }
        catch (Exception ex)
        {
            SinkDiagnostics.ReportOnce(Sink, "loop", $"delivery loop stopped: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
            Signal();
        }
    }

    private async Task DeliverAsync(RollbarQueuedItem item, CancellationToken token)
    {
        byte[]? body;
        try
        {
            body = RollbarPayloadTrimmer.Fit(item.Payload, _options.MaxPayloadBytes, out var trimmed);
            if (trimmed && body is not null)
            {
                Metrics.AddTrimmed();
            }
        }
        catch (Exception ex)
        {
            SinkDiagnostics.ReportOnce(Sink, "serialize", $"an item could not be serialized and was dropped: {ex.GetType().Name}");
            Metrics.AddDropped("invalid");
            return;
        }

        if (body is null)
        {
            Metrics.AddDropped("too_large");
            return;
        }

        body = WithoutToken(body);
        for (var attempt = 1; ; attempt++)
        {
            if (PausedUntil is { } until)
            {
                await DelayUntilAsync(until, token).ConfigureAwait(false);
                PausedUntil = null;
            }

            var outcome = await SendOnceAsync(body, token).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case OutcomeKind.Delivered:
                    Metrics.AddExported();
                    return;
                case OutcomeKind.Rejected:
                    Metrics.AddDropped("rejected");
                    return;
                case OutcomeKind.RateLimited when attempt < _options.MaxAttempts:
                    PausedUntil = outcome.RetryAt;
                    Metrics.AddRetried();
                    continue;
                case OutcomeKind.Transient when attempt < _options.MaxAttempts:
                    Metrics.AddRetried();
                    await DelayUntilAsync(_time.GetUtcNow() + _options.Backoff.DelayFor(attempt), token).ConfigureAwait(false);
                    continue;
                default:
                    if (outcome.Kind == OutcomeKind.RateLimited)
                    {
                        PausedUntil = outcome.RetryAt;
                    }

                    Metrics.AddDropped("send_failed");
                    return;
            }
        }
    }

    private async Task<Outcome> SendOnceAsync(byte[] body, CancellationToken token)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.TryAddWithoutValidation(TokenHeader, _options.AccessToken);
            using var response = await _http.SendAsync(request, token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new Outcome(OutcomeKind.Delivered);
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new Outcome(OutcomeKind.RateLimited, RateLimitReset(response));
            }

            if (status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                return new Outcome(OutcomeKind.Transient);
            }

            await ReportRejectionAsync(response, token).ConfigureAwait(false);
            return new Outcome(OutcomeKind.Rejected);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // Connection refused or reset, DNS, TLS, or the request timeout.
            return new Outcome(OutcomeKind.Transient);
        }
    }

    /// <summary><c>X-Rate-Limit-Reset</c> (unix seconds), else <c>X-Rate-Limit-Remaining-Seconds</c>, else the default; capped.</summary>
    private DateTimeOffset RateLimitReset(HttpResponseMessage response)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? until = null;
        if (Header(response, "X-Rate-Limit-Reset") is { } reset)
        {
            until = DateTimeOffset.FromUnixTimeSeconds(reset);
        }
        else if (Header(response, "X-Rate-Limit-Remaining-Seconds") is { } seconds)
        {
            until = now + TimeSpan.FromSeconds(seconds);
        }

        until ??= now + _options.DefaultRateLimitPause;
        var cap = now + _options.MaxRateLimitPause;
        return until.Value > cap ? cap : until.Value;
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
        && value >= 0
            ? value
            : null;

    private async Task ReportRejectionAsync(HttpResponseMessage response, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        string detail;
        try
        {
            detail = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            detail = detail.Length > 500 ? detail[..500] : detail;
            if (!string.IsNullOrEmpty(_options.AccessToken))
            {
                detail = detail.Replace(_options.AccessToken, SecretScrubber.Mask, StringComparison.Ordinal);
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
        SinkDiagnostics.ReportOnce(Sink, $"http-{status}",
            $"Rollbar answered HTTP {status} at {_options.Endpoint}: {meaning}. Such items are dropped, not retried. {detail}".TrimEnd());
    }

    /// <summary>Last line of defence: the access token never travels inside a payload.</summary>
    private byte[] WithoutToken(byte[] body)
    {
        if (string.IsNullOrEmpty(_options.AccessToken) || _options.AccessToken.Length < 4)
        {
            return body;
        }

        var token = System.Text.Encoding.UTF8.GetBytes(_options.AccessToken);
        if (body.AsSpan().IndexOf(token) < 0)
        {
            return body;
        }

        var text = System.Text.Encoding.UTF8.GetString(body).Replace(_options.AccessToken, SecretScrubber.Mask, StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    private async Task DelayUntilAsync(DateTimeOffset until, CancellationToken token)
    {
        var delay = until - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            WaitingUntil?.Invoke(until);
            return;
        }

        var elapsed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), elapsed, delay, Timeout.InfiniteTimeSpan);
        WaitingUntil?.Invoke(until);
        await elapsed.Task.WaitAsync(token).ConfigureAwait(false);
    }

    private void Signal() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private enum OutcomeKind
    {
        Delivered,
        Rejected,
        RateLimited,
        Transient,
    }

    private readonly record struct Outcome(OutcomeKind Kind, DateTimeOffset RetryAt = default);
}

internal sealed record RollbarQueuedItem(JsonObject Payload, string Uuid);
