using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Hosting;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// The background loop that keeps <see cref="XRayRemoteRuleSource"/> filled, on the injected
/// <see cref="TimeProvider"/>'s clock, as the SDKs' pollers do:
/// <list type="bullet">
/// <item>rules: at start, then every 300 s plus up to 5 s of jitter; every 10 s instead while the local rules
/// apply (so a daemon that comes back is noticed soon); at once when a targets answer's
/// <c>LastRuleModification</c> is newer than the last fetch;</item>
/// <item>statistics and targets: every 10 s plus up to 100 ms of jitter, for the rules that matched since their last
/// report (and whose assigned <c>Interval</c>, if any, is up), at most 25 documents per call.</item>
/// </list>
/// A connection failure means "unreachable" (the local rules apply); an error answer is said once and the rules
/// held so far stay until they are an hour old. Nothing here ever runs on a request's path.
/// </summary>
internal sealed class XRaySamplingPoller : BackgroundService
{
    public static readonly TimeSpan RulesInterval = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan RulesJitter = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TargetsInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan TargetsJitter = TimeSpan.FromMilliseconds(100);

    private readonly XRayRemoteRuleSource _source;
    private readonly XRaySamplingProxyClient _client;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly Lock _gate = new();
    private long _waits;
    private DateTimeOffset _nextWake;
    private TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public XRaySamplingPoller(XRayRemoteRuleSource source, XRaySamplingProxyClient client, TimeProvider? time = null,
        Func<double>? random = null)
    {
        _source = source;
        _client = client;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
    }

    public XRayRemoteRuleSource Source => _source;

    /// <summary>How many times the loop has gone to sleep (its timer is set by then).</summary>
    public long Waits
    {
        get
        {
            lock (_gate)
            {
                return _waits;
            }
        }
    }

    /// <summary>When the loop wakes next (as of its last sleep).</summary>
    public DateTimeOffset NextWake
    {
        get
        {
            lock (_gate)
            {
                return _nextWake;
            }
        }
    }

    /// <summary>
    /// Test hook: completes once the loop has gone to sleep <paramref name="count"/> times in all, i.e. everything due
    /// before that sleep is done and its timer is registered, so a fake clock can be advanced safely.
    /// </summary>
    public async Task WaitUntilAsleepAsync(long count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_waits >= count)
                {
                    return;
                }

                next = _waiting.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path, and outside whatever trace started the host.
        await Task.Yield();
        Activity.Current = null;

        var nextRules = _time.GetUtcNow();
        var nextTargets = nextRules + Jittered(TargetsInterval, TargetsJitter);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_time.GetUtcNow() >= nextRules)
                {
                    await FetchRulesAsync(stoppingToken);
                    nextRules = NextRulesFetch();
                }

                if (_time.GetUtcNow() >= nextTargets)
                {
                    if (_source.IsRemote && await ReportAsync(stoppingToken))
                    {
                        await FetchRulesAsync(stoppingToken);
                        nextRules = NextRulesFetch();
                    }

                    nextTargets = _time.GetUtcNow() + Jittered(TargetsInterval, TargetsJitter);
                }

                _source.Update(_time.GetUtcNow());
                if (!_source.IsRemote && nextRules > nextTargets)
                {
                    nextRules = nextTargets; // the local rules apply: try for the daemon's again soon
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never into the host: an escaping exception would stop it. Said once; the loop goes on.
                _source.Failed("polling", $"{ex.GetType().Name}: {ex.Message}");
            }

            var wake = nextRules < nextTargets ? nextRules : nextTargets;
            var wait = wake - _time.GetUtcNow();
            var sleep = wait > TimeSpan.Zero ? Task.Delay(wait, _time, stoppingToken) : Task.CompletedTask;
            TaskCompletionSource asleep;
            lock (_gate)
            {
                _waits++;
                _nextWake = wake;
                asleep = _waiting;
                _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            asleep.TrySetResult();
            try
            {
                await sleep;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private DateTimeOffset NextRulesFetch() => _time.GetUtcNow() + (_source.IsRemote
        ? Jittered(RulesInterval, RulesJitter)
        : Jittered(TargetsInterval, TargetsJitter));

    private TimeSpan Jittered(TimeSpan interval, TimeSpan jitter) => interval + jitter * _random();

    private async Task FetchRulesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rules = await _client.GetSamplingRulesAsync(cancellationToken);
            _source.RulesFetched(rules, _time.GetUtcNow());
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnreachable(ex))
        {
            _source.Unreachable(Describe(ex), _time.GetUtcNow());
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsError(ex))
        {
            _source.Failed("GetSamplingRules", Describe(ex));
        }
    }

    /// <summary>Reports statistics, 25 documents per call; true when the rules must be fetched again now.</summary>
    private async Task<bool> ReportAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var statistics = _source.TakeStatistics(now, TargetsJitter * 2);
        var refetch = false;
        var sent = 0;
        while (sent < statistics.Count)
        {
            var chunk = statistics.Skip(sent).Take(XRaySamplingProxyClient.MaxStatisticsPerCall).ToList();
            try
            {
                var targets = await _client.GetSamplingTargetsAsync(chunk, _source.ClientId, now, cancellationToken);
                refetch |= _source.TargetsReceived(targets, _time.GetUtcNow());
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (IsUnreachable(ex) || IsError(ex)))
            {
                _source.Restore(statistics.Skip(sent));
                if (IsUnreachable(ex))
                {
                    _source.Unreachable(Describe(ex), _time.GetUtcNow());
                }
                else
                {
                    _source.Failed("GetSamplingTargets", Describe(ex));
                }

                return false;
            }

            sent += chunk.Count;
        }

        return refetch;
    }

    /// <summary>No answer at all: refused, reset, timed out, name not resolved.</summary>
    private static bool IsUnreachable(Exception ex) =>
        ex is TaskCanceledException or TimeoutException or SocketException ||
        (ex is HttpRequestException http && http.StatusCode is null);

    /// <summary>An answer, but not one to use: an error status, or a body that is not what the API describes.</summary>
    private static bool IsError(Exception ex) =>
        ex is HttpRequestException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException;

    private static string Describe(Exception ex) => ex switch
    {
        TaskCanceledException or TimeoutException => "no answer in time",
        HttpRequestException { StatusCode: null, InnerException: SocketException socket } => socket.SocketErrorCode.ToString(),
        _ => ex.Message,
    };

    public override void Dispose()
    {
        base.Dispose();
        _client.Dispose();
    }
}
