using System.Diagnostics;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>
/// The remote sampler as a process has it — <see cref="XRayRemoteRuleSource"/>, its <see cref="XRaySamplingPoller"/>
/// and the <see cref="XRaySampler"/> reading it — on a <see cref="FakeTimeProvider"/>, against a proxy the test
/// owns. The poller's jitter is zero, so its wake-ups fall on whole intervals; the clock moves only when the test
/// says, one wake-up at a time (<see cref="RunUntilAsync"/>), each run to the poller's next sleep.
/// </summary>
internal sealed class RemoteSamplingHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    /// <summary>How long a test waits for the poller's real HTTP calls before failing (never a sleep).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private RemoteSamplingHarness(int proxyPort, IReadOnlyList<XRaySamplingRule> local, Func<double> random)
    {
        Source = new XRayRemoteRuleSource($"127.0.0.1:{proxyPort}", "the local test rules", Diagnostics);
        Poller = new XRaySamplingPoller(Source, new XRaySamplingProxyClient("127.0.0.1", proxyPort), Time, () => 0.0);
        Sampler = new XRaySampler(local, Source, "cruddur-gateway", Time, random);
    }

    public FakeTimeProvider Time { get; } = new(Start);
    public StringWriter Diagnostics { get; } = new();
    public XRayRemoteRuleSource Source { get; }
    public XRaySamplingPoller Poller { get; }
    public XRaySampler Sampler { get; }

    public IReadOnlyList<string> DiagnosticLines =>
        Diagnostics.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Local rules that never sample: whatever is sampled was decided by the proxy's rules.</summary>
    public static IReadOnlyList<XRaySamplingRule> NeverLocally { get; } = [new("Default", 10000, 0.0, 0)];

    /// <summary>Starts the poller; unless told not to, waits until its first round (the rules fetch) is done.</summary>
    public static async Task<RemoteSamplingHarness> StartAsync(int proxyPort, IReadOnlyList<XRaySamplingRule>? local = null,
        Func<double>? random = null, bool waitForFirstRound = true)
    {
        var harness = new RemoteSamplingHarness(proxyPort, local ?? NeverLocally, random ?? (() => 0.5));
        await harness.Poller.StartAsync(CancellationToken.None);
        if (waitForFirstRound)
        {
            await harness.Poller.WaitUntilAsleepAsync(1).WaitAsync(CallTimeout);
        }

        return harness;
    }

    /// <summary>Moves the clock to <paramref name="until"/>, letting the poller do everything due on the way.</summary>
    public async Task RunUntilAsync(DateTimeOffset until)
    {
        while (true)
        {
            var waits = Poller.Waits;
            var wake = Poller.NextWake;
            if (wake > until)
            {
                if (until > Time.GetUtcNow())
                {
                    Time.Advance(until - Time.GetUtcNow());
                }

                return;
            }

            if (wake > Time.GetUtcNow())
            {
                Time.Advance(wake - Time.GetUtcNow());
            }

            await Poller.WaitUntilAsleepAsync(waits + 1).WaitAsync(CallTimeout);
        }
    }

    public Task RunForAsync(TimeSpan duration) => RunUntilAsync(Time.GetUtcNow() + duration);

    /// <summary>One root request to the gateway, decided by the sampler.</summary>
    public bool Sample(string path = "/api/activities/home") =>
        Sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET", ActivityKind.Server,
            [new("http.request.method", "GET"), new("url.path", path), new("server.address", "localhost")])).Decision ==
        SamplingDecision.RecordAndSample;

    /// <summary>The statistics documents the proxy received, in order.</summary>
    public static IReadOnlyList<(string Rule, string ClientId, long Timestamp, long Requests, long Sampled, long Borrowed)> Reported(FakeXRaySamplingProxy proxy) =>
        [.. proxy.Calls.Where(c => c.Path == "/SamplingTargets").SelectMany(c => c.Statistics).Select(d => (
            d["RuleName"]!.GetValue<string>(), d["ClientID"]!.GetValue<string>(), d["Timestamp"]!.GetValue<long>(),
            d["RequestCount"]!.GetValue<long>(), d["SampledCount"]!.GetValue<long>(), d["BorrowCount"]!.GetValue<long>()))];

    public async ValueTask DisposeAsync()
    {
        await Poller.StopAsync(CancellationToken.None);
        Poller.Dispose();
    }
}
