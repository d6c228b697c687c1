using System.Diagnostics;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// The runtime propagator (what ASP.NET Core hosting extracts with, what HttpClient injects with) extended by
/// <c>X-Amzn-Trace-Id</c>: a request without <c>traceparent</c> but with <c>Root=…;Parent=…;Sampled=…</c> (a load
/// balancer or X-Ray-instrumented caller in front) gets that trace as its parent, so the server span is created
/// in it from the start; outgoing HttpClient requests carry <c>Root;Parent;Sampled</c> next to <c>traceparent</c>.
/// The W3C headers always win, and existing headers are never overwritten (the runtime's setters check).
/// </summary>
internal sealed class XRayDistributedContextPropagator(DistributedContextPropagator inner) : DistributedContextPropagator
{
    private readonly IReadOnlyCollection<string> _fields = [.. inner.Fields, TraceHeaders.AmazonTraceId];

    public DistributedContextPropagator Inner { get; } = inner;

    public override IReadOnlyCollection<string> Fields => _fields;

    /// <summary>
    /// Makes it <see cref="DistributedContextPropagator.Current"/> (HttpClient handlers, Orleans) once, wrapping
    /// the W3C default; returns it so hosts can also register it in DI (ASP.NET Core hosting resolves it from there).
    /// </summary>
    public static XRayDistributedContextPropagator Install()
    {
        if (Current is XRayDistributedContextPropagator installed)
        {
            return installed;
        }

        var propagator = new XRayDistributedContextPropagator(CreateW3CPropagator());
        Current = propagator;
        return propagator;
    }

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        Inner.Inject(activity, carrier, setter);
        // Only HTTP requests speak X-Ray's header; grain calls (Orleans RequestContext) carry traceparent alone.
        if (activity is not null && setter is not null && carrier is HttpRequestMessage && activity.IdFormat == ActivityIdFormat.W3C)
        {
            setter(carrier, TraceHeaders.AmazonTraceId, XRayTraceHeader.Format(activity.TraceId, activity.SpanId, activity.Recorded));
        }
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        Inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
        if (!string.IsNullOrEmpty(traceId) || getter is null)
        {
            return;
        }

        try
        {
            getter(carrier, TraceHeaders.AmazonTraceId, out var value, out var values);
            value ??= values?.FirstOrDefault();
            if (XRayTraceHeader.TryParse(value, out var parsed))
            {
                var h = parsed.GetValueOrDefault();
                // Sampled=? or absent: marked sampled, with a trace state telling XRaySampler to apply its rules.
                traceId = $"00-{h.TraceId.ToHexString()}-{h.ParentId.ToHexString()}-{(h.Sampled == false ? "00" : "01")}";
                traceState = h.Sampled is null ? XRaySampler.DeferredTraceState : null;
            }
        }
        catch (Exception)
        {
            // a malformed header never fails the request
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        Inner.ExtractBaggage(carrier, getter);
}
