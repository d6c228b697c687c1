using System.Diagnostics;
using OpenTelemetry;

namespace Cruddur.Telemetry.Delivery;

/// <summary>
/// The background half of every HTTP sink: a bounded <see cref="DeliveryQueue{T}"/> the exporter fills without
/// blocking, and one loop that cuts the queue into batches (<see cref="ISinkBatcher{TItem, TBatch}"/>) and hands each to
/// the sink's <see cref="ISinkTransport{TBatch}"/>; it retries with jittered back-off (<see cref="RetryBackoff"/>),
/// waits out a service's retry-after time, gives up after <see cref="SinkSenderOptions.MaxAttempts"/>, and on shutdown
/// delivers what it can within one deadline and counts the rest. Every item leaves counted as exported or dropped
/// (<see cref="DropReason"/>).
/// <para>
/// The loop starts with <see cref="ExecutionContext"/> flow suppressed and runs with no <see cref="Activity.Current"/>
/// and OpenTelemetry instrumentation suppressed (<see cref="SuppressInstrumentationScope"/>): a sender created inside a
/// request must not make its HTTP calls children of that request, nor spans or logs of the application at all.
/// </para>
/// </summary>
internal sealed class SinkSender<TItem, TBatch> : IDisposable
{
    private readonly SinkSenderOptions _options;
    private readonly ISinkTransport<TBatch> _transport;
    private readonly ISinkBatcher<TItem, TBatch> _batcher;
    private readonly SinkDiagnostics _diagnostics;
    private readonly DeliveryQueue<TItem> _queue;
    private readonly List<TItem> _carry = [];
    private readonly List<TItem> _later = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private Task<bool>? _shutdown;
    private TaskCompletionSource _progress = NewSignal();
    private int _busy;
    private int _inHand;

    public SinkSender(SinkSenderOptions options, ISinkTransport<TBatch> transport, ISinkBatcher<TItem, TBatch> batcher,
        SinkMetrics metrics, SinkDiagnostics diagnostics)
    {
        _options = options;
        _transport = transport;
        _batcher = batcher;
        _diagnostics = diagnostics;
        Metrics = metrics;
        _queue = new DeliveryQueue<TItem>(options.QueueCapacity, metrics);
        metrics.ObserveQueueLength(() => _queue.Count);

        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public SinkMetrics Metrics { get; }

    /// <summary>Items waiting in the queue now.</summary>
    public long QueueLength => _queue.Count;

    /// <summary>While set and in the future, nothing is sent (the service asked to wait).</summary>
    public DateTimeOffset? PausedUntil { get; private set; }

    /// <summary>Test hook: raised when the loop starts waiting until a time (back-off or retry-after), after its timer exists.</summary>
    internal event Action<DateTimeOffset>? WaitingUntil;

    /// <summary>Never blocks, never throws; after shutdown the item is dropped, counted, and false is returned.</summary>
    public bool TryEnqueue(TItem item)
    {
        if (_queue.TryAdd(item))
        {
            return true;
        }

        Metrics.AddDropped(DropReason.Shutdown);
        return false;
    }

    /// <summary>
    /// Waits until everything enqueued before the call is delivered or given up on; false when
    /// <paramref name="timeout"/> (on the sender's <see cref="TimeProvider"/>; infinite = the shutdown time-out) passes first.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        using var deadline = Deadline(timeout == Timeout.InfiniteTimeSpan ? _options.ShutdownTimeout : timeout);
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (_queue.Count == 0 && Volatile.Read(ref _busy) == 0)
            {
                return true;
            }

            if (_loop.IsCompleted)
            {
                return false;
            }

            try
            {
                await progress.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>For <c>BaseExporter.OnForceFlush</c>: called on the SDK's export thread or at disposal, never on a request.</summary>
    public bool Flush(TimeSpan timeout) => Task.Run(() => FlushAsync(timeout)).GetAwaiter().GetResult();

    /// <summary>
    /// Stops accepting items, delivers what is queued within min(<paramref name="timeout"/>,
    /// <see cref="SinkSenderOptions.ShutdownTimeout"/>), then stops and counts what is left as dropped. Once only;
    /// later calls return the first one's result.
    /// </summary>
    public Task<bool> ShutdownAsync(TimeSpan timeout)
    {
        lock (_gate)
        {
            return _shutdown ??= ShutdownCoreAsync(timeout);
        }
    }

    public bool Shutdown(TimeSpan timeout) => Task.Run(() => ShutdownAsync(timeout)).GetAwaiter().GetResult();

    public void Dispose()
    {
        Shutdown(TimeSpan.Zero);
        _stop.Dispose();
    }

    private async Task<bool> ShutdownCoreAsync(TimeSpan timeout)
    {
        _queue.Complete();
        var limit = timeout == Timeout.InfiniteTimeSpan || timeout > _options.ShutdownTimeout ? _options.ShutdownTimeout : timeout;
        var delivered = await FlushAsync(limit < TimeSpan.Zero ? TimeSpan.Zero : limit).ConfigureAwait(false);

        await _stop.CancelAsync().ConfigureAwait(false); // abandons an unanswered request or a wait
        try
        {
            // The loop honours the token; this bound (real time) only guards against a transport that does not.
            await _loop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _diagnostics.ReportOnce(Metrics.Sink, "shutdown-stuck", "the delivery loop did not stop within 2 s of the shutdown deadline.");
        }

        var left = Volatile.Read(ref _inHand);
        while (_queue.TryTake(out _))
        {
            left++;
        }

        if (left > 0)
        {
            Metrics.AddDropped(DropReason.Shutdown, left);
            _diagnostics.ReportOnce(Metrics.Sink, "shutdown-deadline",
                $"{left} item(s) not delivered to {_transport.Endpoint} before the shutdown deadline; dropped and counted.");
        }

        _transport.Dispose();
        return delivered && left == 0;
    }

    private CancellationTokenSource Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, _options.TimeProvider);

    private async Task RunAsync()
    {
        // ExecutionContext did not flow (see the constructor); clear the current span anyway and suppress
        // instrumentation, so that the sink's own HTTP calls become no spans and carry no application trace.
        Activity.Current = null;
        using var suppress = SuppressInstrumentationScope.Begin();
        var ct = _stop.Token;
        try
        {
            await _transport.StartAsync(ct).ConfigureAwait(false);
            while (true)
            {
                if (_carry.Count == 0)
                {
                    Signal();
                    if (!await _queue.WaitToTakeAsync(ct).ConfigureAwait(false))
                    {
                        return; // completed and empty
                    }
                }

                Volatile.Write(ref _busy, 1);
                var batch = Fill(out var count);
                if (count > 0)
                {
                    await DeliverAsync(batch, count, ct).ConfigureAwait(false);
                    Interlocked.Add(ref _inHand, -count);
                }

                _batcher.Clear(); // the reused batch must not keep delivered items alive
                if (_carry.Count == 0)
                {
                    Volatile.Write(ref _busy, 0);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The shutdown deadline passed: what is left is counted by ShutdownCoreAsync.
        }
        catch (Exception ex)
        {
            _diagnostics.ReportOnce(Metrics.Sink, "loop-crash", $"the delivery loop stopped unexpectedly: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Signal();
        }
    }

    /// <summary>The next batch: items given back last time first, then the queue, until the batch is full.</summary>
    private TBatch Fill(out int count)
    {
        _batcher.Clear();
        var fromCarry = 0;
        while (fromCarry < _carry.Count && _batcher.TryAdd(_carry[fromCarry]))
        {
            fromCarry++;
        }

        _carry.RemoveRange(0, fromCarry);
        if (_carry.Count == 0)
        {
            while (_queue.TryTake(out var item))
            {
                Interlocked.Increment(ref _inHand);
                if (!_batcher.TryAdd(item))
                {
                    _carry.Add(item);
                    break;
                }
            }
        }

        _later.Clear();
        var batch = _batcher.Seal(_later);
        _carry.InsertRange(0, _later);
        _later.Clear();
        count = _batcher.Count;
        return batch;
    }

    private async Task DeliverAsync(TBatch batch, int count, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (PausedUntil is { } until)
            {
                await DelayUntilAsync(until, ct).ConfigureAwait(false);
                PausedUntil = null;
            }

            var outcome = await _transport.SendAsync(batch, ct).ConfigureAwait(false);
            switch (outcome.Status)
            {
                case SendStatus.Success:
                    Metrics.AddExported(count - outcome.Rejected);
                    if (outcome.Rejected > 0)
                    {
                        Metrics.AddDropped(DropReason.Rejected, outcome.Rejected);
                    }

                    return;

                case SendStatus.Drop:
                    Metrics.AddDropped(outcome.Reason, count);
                    return;

                case SendStatus.RetryAfter:
                    PausedUntil = outcome.RetryAt; // holds every batch, this one's next attempt included
                    break;
            }

            if (attempt >= _options.MaxAttempts)
            {
                Metrics.AddDropped(DropReason.SendFailed, count);
                _diagnostics.ReportOnce(Metrics.Sink, "send_failed",
                    $"{count} item(s) dropped after {attempt} attempts to {_transport.Endpoint}; later batches are still tried.");
                return;
            }

            Metrics.AddRetried();
            if (outcome.Status == SendStatus.Retryable)
            {
                await DelayUntilAsync(_options.TimeProvider.GetUtcNow() + _options.Backoff.DelayFor(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        var delay = until - _options.TimeProvider.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            WaitingUntil?.Invoke(until);
            return;
        }

        var elapsed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _options.TimeProvider.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), elapsed, delay, Timeout.InfiniteTimeSpan);
        WaitingUntil?.Invoke(until); // the timer exists: a test may now advance its clock past it
        await elapsed.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private void Signal() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
