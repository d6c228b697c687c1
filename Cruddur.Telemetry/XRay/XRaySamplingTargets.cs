namespace Cruddur.Telemetry.XRay;

/// <summary>
/// One <c>SamplingTargetDocument</c> of a <c>GetSamplingTargets</c> answer: what the service assigns this process for
/// a rule — a <see cref="FixedRate"/>, a <see cref="ReservoirQuota"/> per second valid until
/// <see cref="ReservoirQuotaTtl"/>, and how often to report (<see cref="Interval"/>); see
/// https://docs.aws.amazon.com/xray/latest/api/API_SamplingTargetDocument.html.
/// </summary>
internal sealed record XRaySamplingTarget(
    string RuleName,
    double? FixedRate,
    int? ReservoirQuota,
    DateTimeOffset? ReservoirQuotaTtl,
    TimeSpan? Interval);

/// <summary>A <c>GetSamplingTargets</c> answer; see https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingTargets.html.</summary>
internal sealed record XRaySamplingTargets(
    IReadOnlyList<XRaySamplingTarget> Targets,
    DateTimeOffset? LastRuleModification,
    IReadOnlyList<string> Unprocessed);
