namespace Cruddur.Telemetry.XRay;

/// <summary>
/// One <c>SamplingTargetDocument</c> of a <c>GetSamplingTargets</c> answer: what the service assigns this process for
/// a rule — a <see cref="FixedRate"/>, a <see cref="ReservoirQuota"/> per second valid until
/// <see cref="ReservoirQuotaTtl"/>, and how often to report (<see cref="Interval"/>); see
/// https://docs.aws.amazon.com/xray/latest/api/API_SamplingTargetDocument.html.
/// </summary>
public sealed record XRaySamplingTarget(
    string RuleName,
    double? FixedRate,
    int? ReservoirQuota,
    DateTimeOffset? ReservoirQuotaTtl,
    TimeSpan? Interval);

/// <summary>
/// One <c>SamplingStatisticsDocument</c> without the client id and timestamp the client adds: the requests a rule
/// matched since the last report, how many were sampled and, of those, how many were borrowed; see
/// https://docs.aws.amazon.com/xray/latest/api/API_SamplingStatisticsDocument.html.
/// </summary>
public sealed record XRaySamplingStatistics(string RuleName, long RequestCount, long SampledCount, long BorrowCount);

/// <summary>A <c>GetSamplingTargets</c> answer; see https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingTargets.html.</summary>
public sealed record XRaySamplingTargets(
    IReadOnlyList<XRaySamplingTarget> Targets,
    DateTimeOffset? LastRuleModification,
    IReadOnlyList<string> Unprocessed);
