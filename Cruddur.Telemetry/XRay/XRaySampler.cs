using OpenTelemetry.Trace;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// X-Ray's rule semantics as an OpenTelemetry sampler, locally (no GetSamplingTargets calls): a root span takes the
/// first rule that matches (rules come ordered); up to the rule's reservoir per clock second is sampled, beyond
/// it a <c>FixedRate</c> share. Parent-based: a span with a parent (local, or remote through
/// <c>traceparent</c>/<c>X-Amzn-Trace-Id</c>) follows the parent's sampled flag, so the silo never decides
/// differently from the gateway and every sink sees whole traces.
/// </summary>
public sealed class XRaySampler : Sampler
{
    /// <summary>
    /// Trace state the <see cref="XRayPropagator"/> puts on a remote parent whose header said <c>Sampled=?</c> (or
    /// nothing): decide by the rules, as if it were a root, and drop the marker.
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

    public XRaySampler(IReadOnlyList<XRaySamplingRule> rules, string serviceName, TimeProvider? time = null,
        Func<double>? random = null, string? dynamicNamingPattern = null, string? tracingName = null)
    {
        _tracingName = tracingName;
        _rules = [.. rules.Select(r => new RuleState(r))];
        _serviceName = serviceName;
        _dynamicNamingPattern = dynamicNamingPattern;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
        Description = $"XRaySampler{{{string.Join(",", rules.Select(r => $"{r.Name}:{r.ReservoirSize}/s+{r.FixedRate}"))}}}";
    }

    public IReadOnlyList<XRaySamplingRule> Rules => [.. _rules.Select(r => r.Rule)];

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
        string? method = null, path = null, host = null;
        if (parameters.Tags is { } tags)
        {
            foreach (var (key, value) in tags)
            {
                switch (key)
                {
                    case "http.request.method" or "http.method": method = value as string; break;
                    case "url.path": path = value as string; break;
                    case "http.target" when path is null && value is string target:
                        var q = target.IndexOf('?');
                        path = q < 0 ? target : target[..q];
                        break;
                    case "server.address" or "http.host": host ??= value as string; break;
                }
            }
        }

        var serviceName = XRayNames.SegmentName(_tracingName, _dynamicNamingPattern, host, _serviceName);
        foreach (var state in _rules)
        {
            if (state.Rule.Matches(serviceName, null, host, method, path))
            {
                return state.Decide(_time.GetUtcNow().ToUnixTimeSeconds(), _random);
            }
        }

        return false; // unreachable with a Default rule last
    }

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
