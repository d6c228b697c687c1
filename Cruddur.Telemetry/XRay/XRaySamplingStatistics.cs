namespace Cruddur.Telemetry.XRay;

/// <summary>
/// One <c>SamplingStatisticsDocument</c> without the client id and timestamp the client adds: the requests a rule
/// matched since the last report, how many were sampled and, of those, how many were borrowed; see
/// https://docs.aws.amazon.com/xray/latest/api/API_SamplingStatisticsDocument.html.
/// </summary>
internal sealed record XRaySamplingStatistics(string RuleName, long RequestCount, long SampledCount, long BorrowCount);
