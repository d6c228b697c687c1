namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// What a fake or a process has seen so far (spans, datagrams, output lines), appended from any thread, and a way to
/// wait until a condition over it holds — woken by each addition, never by polling or sleeping.
/// </summary>
public sealed class Observed<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public void Add(T item) => AddRange([item]);

    public void AddRange(IEnumerable<T> items)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _items.AddRange(items);
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Wakes the waiters without adding anything (e.g. the process behind it exited).</summary>
    public void Poke() => AddRange([]);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds over everything seen so far, and returns that. On timeout,
    /// throws a <see cref="TimeoutException"/> whose message is <paramref name="describe"/>'s account of what came.
    /// </summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(
        Func<IReadOnlyList<T>, bool> condition, TimeSpan timeout, Func<IReadOnlyList<T>, string>? describe = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_items))
                {
                    return [.. _items];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = Snapshot();
                throw new TimeoutException(describe?.Invoke(seen)
                    ?? $"condition not met within {timeout}; {seen.Count} item(s):\n{string.Join("\n", seen)}");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
