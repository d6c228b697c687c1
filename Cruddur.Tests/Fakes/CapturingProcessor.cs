using System.Diagnostics;
using OpenTelemetry;

namespace Cruddur.Tests.Fakes;

/// <summary>Keeps every span that ends, and lets a test wait for a condition over them (no polling, no sleeps).</summary>
public sealed class CapturingProcessor : BaseProcessor<Activity>
{
    private readonly object _gate = new();
    private readonly List<Activity> _ended = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void OnEnd(Activity data)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _ended.Add(data);
            signal = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    public async Task<List<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_ended))
                {
                    return [.. _ended];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cts.Token);
        }
    }
}
