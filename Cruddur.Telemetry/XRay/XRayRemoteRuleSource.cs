using System.Diagnostics.Metrics;
using System.Security.Cryptography;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// The sampling rules X-Ray serves through the daemon, as this process last fetched them, and whether they apply:
/// they do while the daemon's TCP proxy answers and the last fetch is at most an hour old
/// (<see cref="MaxRuleAge"/>); otherwise the sampler's local rules apply. Each switch between the two is written
/// once on standard error and counted on the <c>Cruddur.Telemetry</c> meter
/// (<c>cruddur.telemetry.xray.sampling_switches</c>, tag <c>to</c> = <c>local</c> | <c>remote</c>).
/// Filled by <see cref="XRaySamplingPoller"/> on its background loop; read by <see cref="XRaySampler"/> without
/// any I/O.
/// </summary>
internal sealed class XRayRemoteRuleSource
{
    /// <summary>Rules not refreshed for this long no longer apply (the SDKs' rule cache TTL).</summary>
    public static readonly TimeSpan MaxRuleAge = TimeSpan.FromHours(1);

    private static readonly Meter Meter = new(TelemetryNames.SinkMeter, "1.0.0");
    private static readonly Counter<long> SwitchCounter = Meter.CreateCounter<long>(
        "cruddur.telemetry.xray.sampling_switches", "{switch}",
        "Switches of the X-Ray sampler between the daemon's rules (to=remote) and the local rules (to=local).");

    private readonly Lock _gate = new();
    private readonly TextWriter? _diagnostics;
    private readonly string _localRules;
    private readonly HashSet<string> _reported = [];
    private XRayCentralRule[] _rules = [];
    private DateTimeOffset _fetchedAt;
    private bool _reachable = true;
    private string? _unreachableBecause;
    private Mode _mode = Mode.Starting;
    private volatile Applied? _applied;
    private long _switchesToLocal, _switchesToRemote;

    /// <param name="daemon">The proxy's address, for messages.</param>
    /// <param name="localRules">What applies instead (a file, or X-Ray's default), for messages.</param>
    /// <param name="diagnostics">Where switches and failures are written; standard error by default.</param>
    public XRayRemoteRuleSource(string daemon, string localRules, TextWriter? diagnostics = null)
    {
        Daemon = daemon;
        _localRules = localRules;
        _diagnostics = diagnostics;
        ClientId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }

    private enum Mode
    {
        Starting,
        Remote,
        Local,
    }

    public string Daemon { get; }

    /// <summary>This process's <c>ClientID</c> in statistics documents: 24 random hex characters.</summary>
    public string ClientId { get; }

    /// <summary>Whether the daemon's rules decide now (as of the last <see cref="Update"/>).</summary>
    public bool IsRemote => _applied is not null;

    /// <summary>When the rules last arrived (this process's clock); default before the first fetch.</summary>
    public DateTimeOffset RulesFetchedAt
    {
        get
        {
            lock (_gate)
            {
                return _fetchedAt;
            }
        }
    }

    public IReadOnlyList<XRaySamplingRule> Rules => [.. Volatile.Read(ref _rules).Select(r => r.Rule)];
    public long SwitchesToLocal => Interlocked.Read(ref _switchesToLocal);
    public long SwitchesToRemote => Interlocked.Read(ref _switchesToRemote);

    /// <summary>
    /// Decides a root request by the daemon's rules, when they apply: false (and no decision) when the local rules
    /// must decide instead. No I/O, no allocation beyond the rule's counters.
    /// </summary>
    public bool TryDecide(string serviceName, string? host, string? method, string? path, DateTimeOffset now,
        Func<double> random, out bool sampled)
    {
        sampled = false;
        var applied = _applied;
        if (applied is null || now - applied.FetchedAt > MaxRuleAge)
        {
            return false;
        }

        foreach (var rule in applied.Rules)
        {
            if (rule.Rule.Matches(serviceName, null, host, method, path))
            {
                sampled = rule.Decide(now, random);
                return true;
            }
        }

        return false;
    }

    /// <summary>A complete <c>GetSamplingRules</c> answer: these rules replace the previous ones.</summary>
    public void RulesFetched(IReadOnlyList<XRaySamplingRule> rules, DateTimeOffset now)
    {
        lock (_gate)
        {
            var previous = _rules.ToDictionary(r => r.Rule.Name, StringComparer.Ordinal);
            var fetched = new XRayCentralRule[rules.Count];
            for (var i = 0; i < rules.Count; i++)
            {
                fetched[i] = new XRayCentralRule(rules[i]);
                if (previous.TryGetValue(rules[i].Name, out var old))
                {
                    fetched[i].TakeOver(old);
                }
            }

            Volatile.Write(ref _rules, fetched);
            _fetchedAt = now;
            _reachable = true;
            Update(now);
        }
    }

    /// <summary>
    /// A <c>GetSamplingTargets</c> answer: assigns quotas and rates. True when it says the rules changed after the
    /// last fetch (<c>LastRuleModification</c>), so they must be fetched again now.
    /// </summary>
    public bool TargetsReceived(XRaySamplingTargets targets, DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var target in targets.Targets)
            {
                Array.Find(_rules, r => r.Rule.Name == target.RuleName)?.Apply(target);
            }

            foreach (var problem in targets.Unprocessed)
            {
                ReportOnce("unprocessed:" + problem, $"X-Ray did not take the sampling statistics: {problem}.");
            }

            _reachable = true;
            Update(now);
            return targets.LastRuleModification is { } modified && modified > _fetchedAt;
        }
    }

    /// <summary>The proxy could not be reached (connection refused, timed out): the local rules apply until it answers.</summary>
    public void Unreachable(string detail, DateTimeOffset now)
    {
        lock (_gate)
        {
            _reachable = false;
            _unreachableBecause = detail;
            Update(now);
        }
    }

    /// <summary>The proxy answered with an error (the service refused, credentials, a malformed answer): said once.</summary>
    public void Failed(string call, string detail) =>
        ReportOnce(call + ":" + detail, $"X-Ray sampling: {call} through the daemon at {Daemon} failed: {detail}.");

    /// <summary>
    /// Statistics documents for the rules that matched since their last report and are due, their counts reset.
    /// </summary>
    public List<XRaySamplingStatistics> TakeStatistics(DateTimeOffset now, TimeSpan tolerance)
    {
        var statistics = new List<XRaySamplingStatistics>();
        foreach (var rule in Volatile.Read(ref _rules))
        {
            if (rule.TakeStatistics(now, tolerance) is { } taken)
            {
                statistics.Add(taken);
            }
        }

        return statistics;
    }

    /// <summary>Statistics a failed call did not deliver: counted again in the next report.</summary>
    public void Restore(IEnumerable<XRaySamplingStatistics> statistics)
    {
        var rules = Volatile.Read(ref _rules);
        foreach (var taken in statistics)
        {
            Array.Find(rules, r => r.Rule.Name == taken.RuleName)?.Restore(taken);
        }
    }

    /// <summary>Re-evaluates which rules apply (the one-hour age runs out without any call); says and counts a switch.</summary>
    public void Update(DateTimeOffset now)
    {
        lock (_gate)
        {
            var fresh = _rules.Length > 0 && now - _fetchedAt <= MaxRuleAge;
            if (fresh && _reachable)
            {
                if (_mode == Mode.Local)
                {
                    Say($"the rules from the daemon at {Daemon} apply again ({_rules.Length} rules).");
                    Interlocked.Increment(ref _switchesToRemote);
                    SwitchCounter.Add(1, new KeyValuePair<string, object?>("to", "remote"));
                }
                else if (_mode == Mode.Starting)
                {
                    Say($"{_rules.Length} sampling rules from the daemon at {Daemon}; {_localRules} apply while it cannot be reached.");
                }

                _mode = Mode.Remote;
                _applied = new Applied(_rules, _fetchedAt);
                return;
            }

            _applied = null;
            if (_mode == Mode.Local || (_mode == Mode.Starting && _reachable))
            {
                return;
            }

            var reason = !_reachable
                ? $"the daemon's TCP proxy at {Daemon} cannot be reached ({_unreachableBecause})"
                : $"the rules from the daemon at {Daemon} were last fetched over an hour ago";
            Say($"{_localRules} apply: {reason}.");
            _mode = Mode.Local;
            Interlocked.Increment(ref _switchesToLocal);
            SwitchCounter.Add(1, new KeyValuePair<string, object?>("to", "local"));
        }
    }

    private void ReportOnce(string key, string message)
    {
        lock (_gate)
        {
            if (!_reported.Add(key))
            {
                return;
            }
        }

        Write(message);
    }

    private void Say(string message) => Write("X-Ray sampling: " + message);

    private void Write(string message)
    {
        var line = $"[cruddur-telemetry] {XRayExporter.SinkName}: {message}";
        (_diagnostics ?? Console.Error).WriteLine(line);
    }

    private sealed record Applied(XRayCentralRule[] Rules, DateTimeOffset FetchedAt);
}
