using System.Diagnostics;
using Cruddur.Tests.Infrastructure;
using OpenTelemetry;

namespace Cruddur.Tests.Fakes;

/// <summary>Keeps every span that ends, and lets a test wait for a condition over them (no polling, no sleeps).</summary>
public sealed class CapturingProcessor : BaseProcessor<Activity>
{
    private readonly Observed<Activity> _ended = new();

    public override void OnEnd(Activity data) => _ended.Add(data);

    public Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> condition, TimeSpan timeout) =>
        _ended.WaitForAsync(condition, timeout);
}
