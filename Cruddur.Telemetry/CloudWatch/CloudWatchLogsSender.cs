using Cruddur.Telemetry.Delivery;
using OpenTelemetry;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// The background half of the sink: takes events off the bounded <see cref="DeliveryQueue{T}"/>, cuts them into
/// PutLogEvents batches and delivers them — creating group and stream on ResourceNotFound, retrying throttling,
/// 5xx and connection errors with jittered back-off, dropping (and counting) what can't be delivered. It never
/// throws into, blocks, or logs through the application: its own problems go to <see cref="SinkDiagnostics"/>.
/// </summary>
internal sealed class CloudWatchLogsSender : IDisposable
{
    public const string SinkName = "cloudwatch";

    private readonly CloudWatchLogsExporterOptions _options;
    private readonly CloudWatchLogsClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<CloudWatchLogEvent> _carry = [];
    private readonly LogEventBatch _batch = new(); // reused: only the loop touches it, one batch at a time
    private readonly Task _loop;
    private TaskCompletionSource _progress = NewSignal();
    private int _busy;
    private int _inHand;
    private int _shutdown;

    public CloudWatchLogsSender(CloudWatchLogsExporterOptions options, CloudWatchLogsClient client, SinkMetrics? metrics = null)
    {
        _options = options;
        _client = client;
        LogGroup = options.LogGroupName ?? throw new ArgumentException("LogGroupName is required.", nameof(options));
        LogStream = options.LogStreamName ?? CloudWatchLogsExporterOptions.DefaultStreamName(options.ServiceName);
        DeliveryQueue<CloudWatchLogEvent>? queue = null;
        Metrics = metrics ?? new SinkMetrics(SinkName, () => queue?.Count ?? 0);
        Queue = queue = new DeliveryQueue<CloudWatchLogEvent>(options.MaxQueueSize, Metrics);

        // The loop must not inherit the constructing thread's Activity or ExecutionContext.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public string LogGroup { get; }
    public string LogStream { get; }
    public SinkMetrics Metrics { get; }
    public DeliveryQueue<CloudWatchLogEvent> Queue { get; }

    /// <summary>Number of PutLogEvents calls that got an answer (any status).</summary>
    public int PutCalls => Volatile.Read(ref _putCalls);
    private int _putCalls;

    /// <summary>Never blocks; false (and counted) once shut down.</summary>
    public bool Enqueue(CloudWatchLogEvent e)
    {
        if (Queue.TryAdd(e))
        {
            return true;
        }

        Metrics.AddDropped("shutdown");
        return false;
    }

    /// <summary>Waits until everything enqueued before the call is delivered or given up on; false on time-out.</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Queue.Count == 0 && Volatile.Read(ref _busy) == 0)
            {
                return true;
            }

            if (_loop.IsCompleted)
            {
                return false;
            }

            try
            {
                await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    public bool ForceFlush(int timeoutMilliseconds)
    {
        using var deadline = Deadline(timeoutMilliseconds);
        return FlushAsync(deadline.Token).GetAwaiter().GetResult();
    }

    /// <summary>Delivers what is queued within min(<paramref name="timeoutMilliseconds"/>, ShutdownTimeout), then stops.</summary>
    public bool Shutdown(int timeoutMilliseconds)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 1)
        {
            return true;
        }

        Queue.Complete();
        bool delivered;
        using (var deadline = Deadline(timeoutMilliseconds))
        {
            delivered = FlushAsync(deadline.Token).GetAwaiter().GetResult();
        }

        _stop.Cancel(); // abandons an unanswered request or a back-off wait
        _loop.Wait(TimeSpan.FromSeconds(2));

        var left = Volatile.Read(ref _inHand);
        while (Queue.TryTake(out _))
        {
            left++;
        }

        if (left > 0)
        {
            Metrics.AddDropped("shutdown", left);
            SinkDiagnostics.ReportOnce(SinkName, "shutdown-deadline",
                $"{left} log event(s) not delivered to {_client.Endpoint} before the shutdown deadline.");
        }

        return delivered && left == 0;
    }

    public void Dispose()
    {
        Shutdown(0);
        _stop.Dispose();
        _client.Dispose();
    }

    private CancellationTokenSource Deadline(int timeoutMilliseconds)
    {
        var limit = _options.ShutdownTimeout;
        if (timeoutMilliseconds >= 0 && timeoutMilliseconds != Timeout.Infinite)
        {
            limit = TimeSpan.FromMilliseconds(Math.Min(timeoutMilliseconds, limit.TotalMilliseconds));
        }

        return new CancellationTokenSource(limit, _options.TimeProvider);
    }

    private async Task RunAsync()
    {
        // The sink's own HTTP calls must not become spans (nor be traced into the application's traces).
        using var suppress = SuppressInstrumentationScope.Begin();
        System.Diagnostics.Activity.Current = null;
        var ct = _stop.Token;
        try
        {
            await ProbeCredentialsAsync(ct).ConfigureAwait(false);
            while (true)
            {
                if (_carry.Count == 0)
                {
                    Signal();
                    if (!await Queue.WaitToTakeAsync(ct).ConfigureAwait(false))
                    {
                        return; // completed and empty
                    }
                }

                Volatile.Write(ref _busy, 1);
                var batch = Fill();
                if (batch.Count > 0)
                {
                    await DeliverAsync(batch.Events, ct).ConfigureAwait(false);
                    Interlocked.Add(ref _inHand, -batch.Count);
                    batch.Clear(); // the reused batch must not keep delivered messages alive
                }

                if (_carry.Count == 0)
                {
                    Volatile.Write(ref _busy, 0);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // shutdown deadline: what is left is counted by Shutdown
        }
        catch (Exception ex)
        {
            SinkDiagnostics.ReportOnce(SinkName, "loop-crash", $"sender stopped unexpectedly: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Signal();
        }
    }

    private LogEventBatch Fill()
    {
        var batch = _batch;
        batch.Clear();
        var fromCarry = 0;
        while (fromCarry < _carry.Count && batch.TryAdd(_carry[fromCarry]))
        {
            fromCarry++;
        }

        _carry.RemoveRange(0, fromCarry);
        if (_carry.Count == 0)
        {
            while (Queue.TryTake(out var e))
            {
                Interlocked.Increment(ref _inHand);
                if (!batch.TryAdd(e))
                {
                    _carry.Add(e);
                    break;
                }
            }
        }

        _carry.InsertRange(0, batch.Seal());
        return batch;
    }

    private async Task DeliverAsync(IReadOnlyList<CloudWatchLogEvent> events, CancellationToken ct)
    {
        var created = false;
        for (var attempt = 1; ; attempt++)
        {
            var response = await _client.PutLogEventsAsync(LogGroup, LogStream, events, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _putCalls);
            switch (response.Outcome)
            {
                case CloudWatchOutcome.Success:
                    var rejected = response.RejectedEvents(events.Count);
                    Metrics.AddExported(events.Count - rejected);
                    if (rejected > 0)
                    {
                        Metrics.AddDropped("rejected", rejected);
                        SinkDiagnostics.ReportOnce(SinkName, "rejected",
                            $"CloudWatch Logs rejected {rejected} event(s) as too old, too new or expired (rejectedLogEventsInfo); they are not retried.");
                    }

                    return;

                case CloudWatchOutcome.ResourceNotFound when !created:
                    created = true;
                    if (await CreateGroupAndStreamAsync(ct).ConfigureAwait(false))
                    {
                        attempt--; // resend the same batch; creating is not a failed attempt
                        continue;
                    }

                    break;

                case CloudWatchOutcome.Fatal:
                case CloudWatchOutcome.ResourceNotFound:
                case CloudWatchOutcome.AlreadyExists:
                    Drop(events.Count, "rejected_by_service", response);
                    return;
            }

            // Retry (throttling, 5xx, connection error, time-out, credentials not (yet) available)
            ReportRetrying(response);
            if (attempt >= _options.MaxAttempts)
            {
                Drop(events.Count, "send_failed", response);
                return;
            }

            Metrics.AddRetried();
            var delay = _options.Backoff.DelayFor(attempt);
            var wait = Task.Delay(delay, _options.TimeProvider, ct); // timer armed before anyone is told about it
            _options.OnRetryScheduled?.Invoke(delay);
            await wait.ConfigureAwait(false);
        }
    }

    private async Task<bool> CreateGroupAndStreamAsync(CancellationToken ct)
    {
        var group = await _client.CreateLogGroupAsync(LogGroup, ct).ConfigureAwait(false);
        if (group.Outcome is not (CloudWatchOutcome.Success or CloudWatchOutcome.AlreadyExists))
        {
            ReportRetrying(group, "CreateLogGroup");
            return false;
        }

        var stream = await _client.CreateLogStreamAsync(LogGroup, LogStream, ct).ConfigureAwait(false);
        if (stream.Outcome is not (CloudWatchOutcome.Success or CloudWatchOutcome.AlreadyExists))
        {
            ReportRetrying(stream, "CreateLogStream");
            return false;
        }

        return true;
    }

    private async Task ProbeCredentialsAsync(CancellationToken ct)
    {
        if (_options.Credentials is null)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeout);
            await _options.Credentials(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            SinkDiagnostics.ReportOnce(SinkName, "CredentialsUnavailable",
                $"no AWS credentials ({ex.GetType().Name}: {ex.Message}); log events stay queued (bounded) and are retried.");
        }
    }

    private void ReportRetrying(CloudWatchLogsResponse r, string operation = "PutLogEvents") =>
        SinkDiagnostics.ReportOnce(SinkName, $"{operation}:{r.ErrorCode ?? r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"{operation} to {_client.Endpoint} failed ({Describe(r)}); retrying with back-off.");

    private void Drop(int count, string reason, CloudWatchLogsResponse r)
    {
        Metrics.AddDropped(reason, count);
        SinkDiagnostics.ReportOnce(SinkName, $"drop:{reason}:{r.ErrorCode}",
            $"PutLogEvents to {_client.Endpoint} (group '{LogGroup}') failed: {Describe(r)}; the batch is dropped and counted ({reason}).{(reason == "send_failed" ? "" : " Check credentials, region and IAM permissions.")}");
    }

    private static string Describe(CloudWatchLogsResponse r) =>
        $"{(r.StatusCode == 0 ? "no answer" : $"HTTP {r.StatusCode}")} {r.ErrorCode}: {r.ErrorMessage}".Trim();

    private void Signal() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
