using Cruddur.Telemetry.Semantics;
using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// X-Ray's rule semantics as an OpenTelemetry sampler. A root span takes the first rule that matches (rules come
/// ordered). With the daemon's rules (<see cref="XRayRemoteRuleSource"/>, kept current by
/// <see cref="XRaySamplingPoller"/> in the background) a rule samples from the quota X-Ray assigned this process,
/// borrows one per second before it has one, then its fixed rate (<see cref="XRayCentralRule"/>); with the local
/// rules — always, or while the daemon's do not apply — up to the rule's reservoir per clock second is sampled,
/// beyond it a <c>FixedRate</c> share. No call leaves the process while deciding. Parent-based: a span with a
/// parent (local, or remote through <c>traceparent</c>/<c>X-Amzn-Trace-Id</c>) follows the parent's sampled flag, so
/// the silo never decides differently from the gateway and every sink sees whole traces.
/// </summary>
internal sealed class XRaySampler : Sampler
{
    /// <summary>
    /// Trace state the installed <see cref="XRayDistributedContextPropagator"/> (and its OpenTelemetry-API twin,
    /// <see cref="XRayPropagator"/>, which the hosts do not install) puts on a remote parent whose
    /// <c>X-Amzn-Trace-Id</c> said <c>Sampled=?</c> (or nothing): decide by the rules, as if it were a root, and drop
    /// the marker.
    /// </summary>
    public const string DeferredTraceState = "xray=defer";

    private static readonly SamplingResult Sampled = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult NotSampled = new(SamplingDecision.Drop);
    private static readonly SamplingResult SampledClearState = new(SamplingDecision.RecordAndSample, string.Empty);
    private static readonly SamplingResult NotSampledClearState = new(SamplingDecision.Drop, string.Empty);

    private readonly RuleState[] _rules;
    private readonly string _serviceName;
    private readonly string? _dynamicNamingPattern;
    private readonly string? _tracingName;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly XRayRemoteRuleSource? _remote;
    private readonly Func<HttpRequestAttributes?>? _currentRequest;

    public XRaySampler(IReadOnlyList<XRaySamplingRule> rules, string serviceName, TimeProvider? time = null,
        Func<double>? random = null, string? dynamicNamingPattern = null, string? tracingName = null)
        : this(rules, null, serviceName, time, random, dynamicNamingPattern, tracingName)
    {
    }

    /// <param name="rules">The local rules: they decide while <paramref name="remote"/>'s rules do not apply.</param>
    /// <param name="remote">The daemon's rules, or null for local rules only.</param>
    /// <param name="currentRequest">
    /// The HTTP request being started, if any, for the method and path a span does not carry when it is sampled.
    /// </param>
    internal XRaySampler(IReadOnlyList<XRaySamplingRule> rules, XRayRemoteRuleSource? remote, string serviceName,
        TimeProvider? time = null, Func<double>? random = null, string? dynamicNamingPattern = null, string? tracingName = null,
        Func<HttpRequestAttributes?>? currentRequest = null)
    {
        _remote = remote;
        _currentRequest = currentRequest;
        _tracingName = tracingName;
        _rules = [.. rules.Select(r => new RuleState(r))];
        _serviceName = serviceName;
        _dynamicNamingPattern = dynamicNamingPattern;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
        var local = string.Join(",", rules.Select(r => $"{r.Name}:{r.ReservoirSize}/s+{r.FixedRate}"));
        Description = remote is null ? $"XRaySampler{{{local}}}" : $"XRaySampler{{remote {remote.Daemon}, else {local}}}";
    }

    /// <summary>The local rules.</summary>
    public IReadOnlyList<XRaySamplingRule> Rules => [.. _rules.Select(r => r.Rule)];

    internal XRayRemoteRuleSource? Remote => _remote;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default && parent.SpanId != default)
        {
            if (parent.IsRemote && parent.TraceState == DeferredTraceState)
            {
                return DecideByRules(samplingParameters) ? SampledClearState : NotSampledClearState;
            }

            return (parent.TraceFlags & System.Diagnostics.ActivityTraceFlags.Recorded) != 0 ? Sampled : NotSampled;
        }

        return DecideByRules(samplingParameters) ? Sampled : NotSampled;
    }

    private bool DecideByRules(in SamplingParameters parameters)
    {
        // Read as the segment writer reads them, so the rule matches the name the segment is sent under.
        var http = HttpRequestAttributes.From(parameters.Tags);
        if ((http.Method is null || http.Path is null) && _currentRequest?.Invoke() is { } request)
        {
            http = http.Or(request);
        }

        var serviceName = RuleServiceName(http.Host);
        var now = _time.GetUtcNow();
        if (_remote is not null && _remote.TryDecide(serviceName, http.Host, http.Method, http.Path, now, _random, out var sampled))
        {
            return sampled;
        }

        foreach (var state in _rules)
        {
            if (state.Rule.Matches(serviceName, null, http.Host, http.Method, http.Path))
            {
                return state.Decide(now.ToUnixTimeSeconds(), _random);
            }
        }

        return false; // unreachable with a Default rule last
    }

    /// <summary>The name a rule's <c>ServiceName</c> is matched against: the segment's name for this host.</summary>
    internal string RuleServiceName(string? host) =>
        XRayNames.SegmentName(_tracingName, _dynamicNamingPattern, host, _serviceName);

    /// <summary>The per-second reservoir of one rule.</summary>
    private sealed class RuleState(XRaySamplingRule rule)
    {
        private readonly Lock _gate = new();
        private long _second = long.MinValue;
        private int _taken;

        public XRaySamplingRule Rule { get; } = rule;

        public bool Decide(long second, Func<double> random)
        {
            lock (_gate)
            {
                if (second != _second)
                {
                    _second = second;
                    _taken = 0;
                }

                if (_taken < Rule.ReservoirSize)
                {
                    _taken++;
                    return true;
                }
            }

            return random() < Rule.FixedRate;
        }
    }
}
