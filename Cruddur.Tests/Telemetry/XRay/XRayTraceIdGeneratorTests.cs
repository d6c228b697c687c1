using System.Diagnostics;
using System.Globalization;
using Cruddur.Telemetry;
using Cruddur.Telemetry.XRay;
using Microsoft.Extensions.Time.Testing;

namespace Cruddur.Tests.Telemetry.XRay;

public class XRayTraceIdGeneratorTests
{
    [Fact]
    public void Trace_id_starts_with_the_epoch_seconds_and_is_random_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(0x4efaaf4d));

        var a = XRayTraceIdGenerator.NewTraceId(time);
        var b = XRayTraceIdGenerator.NewTraceId(time);

        Assert.StartsWith("4efaaf4d", a.ToHexString());
        Assert.StartsWith("1-4efaaf4d-", TraceIds.ToXRay(a));
        Assert.NotEqual(a, b);
        Assert.Equal(a.ToHexString()[8..], TraceIds.ToXRay(a)[11..]);
    }

    [Fact]
    public void Installed_generator_gives_new_root_activities_the_current_epoch()
    {
        XRayTraceIdGenerator.Install();
        using var source = new ActivitySource("Cruddur.Tests.XRay.Ids");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var root = source.StartActivity("root", ActivityKind.Server, parentContext: default)!;
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var seconds = long.Parse(root.TraceId.ToHexString()[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, before, after);
        Assert.True(TraceIds.TryFromXRay(TraceIds.ToXRay(root.TraceId), out var back));
        Assert.Equal(root.TraceId, back);
    }
}
