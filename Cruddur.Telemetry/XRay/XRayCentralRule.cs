namespace Cruddur.Telemetry.XRay;

/// <summary>
/// A rule fetched from X-Ray, with what this process was assigned for it and what it counted since its last report.
/// The decision, as the SDKs' centralized sampling has it
/// (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html): take from the assigned
/// <c>ReservoirQuota</c> (per clock second) while its TTL holds; with no valid quota — none assigned yet, or the TTL
/// passed — borrow one trace per second if the rule's <c>ReservoirSize</c> is above 0; beyond that, sample
/// <c>FixedRate</c> (the assigned one when there is one) of the rest.
/// </summary>
/// <remarks>
/// Counting: every matched request is in <c>RequestCount</c>; every sampled one — from the quota, borrowed, or by
/// the fixed rate — is in <c>SampledCount</c>; borrowed ones are also in <c>BorrowCount</c>. That is the API
/// reference's reading (SampledCount "the number of requests recorded", BorrowCount "the number of requests
/// recorded with borrowed reservoir quota",
/// https://docs.aws.amazon.com/xray/latest/api/API_SamplingStatisticsDocument.html), so
/// <c>SampledCount</c> is exactly what this process recorded.
/// </remarks>
internal sealed class XRayCentralRule(XRaySamplingRule rule)
{
    private readonly Lock _gate = new();

    // Assigned by GetSamplingTargets.
    private int? _quota;
    private DateTimeOffset _quotaExpires;
    private double? _assignedRate;
    private TimeSpan? _interval;

    // Per clock second: quota taken, and whether this second's borrowed trace is gone.
    private long _quotaSecond = long.MinValue;
    private int _quotaTaken;
    private long _borrowSecond = long.MinValue;

    // Since the last report.
    private long _requests, _sampled, _borrowed;
    private DateTimeOffset _lastReport = DateTimeOffset.MinValue;

    public XRaySamplingRule Rule { get; } = rule;

    /// <summary>Whether a request this rule matched is sampled, counting it.</summary>
    public bool Decide(DateTimeOffset now, Func<double> random)
    {
        var second = now.ToUnixTimeSeconds();
        lock (_gate)
        {
            _requests++;
            if (_quota is { } quota && now < _quotaExpires)
            {
                if (second != _quotaSecond)
                {
                    _quotaSecond = second;
                    _quotaTaken = 0;
                }

                if (_quotaTaken < quota)
                {
                    _quotaTaken++;
                    _sampled++;
                    return true;
                }
            }
            else if (Rule.ReservoirSize > 0 && second != _borrowSecond)
            {
                _borrowSecond = second;
                _borrowed++;
                _sampled++;
                return true;
            }

            var rate = _assignedRate ?? Rule.FixedRate;
            if (rate > 0 && random() < rate)
            {
                _sampled++;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// The counts since the last report, reset, when the rule matched anything since then and its reporting interval
    /// (the target's <c>Interval</c>, else every poll) is up; else null.
    /// </summary>
    public XRaySamplingStatistics? TakeStatistics(DateTimeOffset now, TimeSpan tolerance)
    {
        lock (_gate)
        {
            if (_requests == 0 || (_interval is { } interval && now + tolerance < _lastReport + interval))
            {
                return null;
            }

            _lastReport = now;
            var statistics = new XRaySamplingStatistics(Rule.Name, _requests, _sampled, _borrowed);
            (_requests, _sampled, _borrowed) = (0, 0, 0);
            return statistics;
        }
    }

    /// <summary>Puts counts that could not be delivered back, so the next report carries them.</summary>
    public void Restore(XRaySamplingStatistics statistics)
    {
        lock (_gate)
        {
            _requests += statistics.RequestCount;
            _sampled += statistics.SampledCount;
            _borrowed += statistics.BorrowCount;
        }
    }

    public void Apply(XRaySamplingTarget target)
    {
        lock (_gate)
        {
            if (target.FixedRate is { } rate)
            {
                _assignedRate = rate;
            }

            if (target.ReservoirQuota is { } quota)
            {
                _quota = quota;
            }

            if (target.ReservoirQuotaTtl is { } ttl)
            {
                _quotaExpires = ttl;
            }

            if (target.Interval is { } interval)
            {
                _interval = interval;
            }
        }
    }

    /// <summary>
    /// The same rule fetched again: keeps the quota, its TTL and the reporting interval (assigned per rule name) and
    /// the counts not yet reported; the fixed rate comes from the new definition until the next targets answer.
    /// </summary>
    public void TakeOver(XRayCentralRule previous)
    {
        lock (previous._gate)
        {
            lock (_gate)
            {
                (_quota, _quotaExpires, _interval, _lastReport) =
                    (previous._quota, previous._quotaExpires, previous._interval, previous._lastReport);
                (_quotaSecond, _quotaTaken, _borrowSecond) = (previous._quotaSecond, previous._quotaTaken, previous._borrowSecond);
                (_requests, _sampled, _borrowed) = (previous._requests, previous._sampled, previous._borrowed);
                (previous._requests, previous._sampled, previous._borrowed) = (0, 0, 0);
            }
        }
    }
}
