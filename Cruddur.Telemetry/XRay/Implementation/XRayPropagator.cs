using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// The OpenTelemetry-API form of <see cref="XRayDistributedContextPropagator"/>, for code that propagates through
/// <c>Propagators.DefaultTextMapPropagator</c> (not installed by AddCruddurTelemetry: setting a non-default global
/// propagator makes the SDK's HttpClient instrumentation replace caller-set <c>traceparent</c> headers).
/// Reads and writes <c>X-Amzn-Trace-Id</c>. Extraction only fills a context that is still empty, so in the
/// composite (<see cref="CreateDefault"/>) a <c>traceparent</c> always wins and the X-Ray header is the fallback
/// (a load balancer in front of the gateway). Injection writes <c>Root;Parent;Sampled</c> next to <c>traceparent</c>.
/// </summary>
internal sealed class XRayPropagator : TextMapPropagator
{
    private static readonly HashSet<string> HeaderFields = [TraceHeaders.AmazonTraceId];

    public override ISet<string> Fields => HeaderFields;

    /// <summary>W3C trace context first, then baggage, then X-Ray.</summary>
    public static TextMapPropagator CreateDefault() => new CompositeTextMapPropagator(
        [new TraceContextPropagator(), new BaggagePropagator(), new XRayPropagator()]);

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (IsValid(context.ActivityContext) || carrier is null || getter is not { } get)
        {
            return context;
        }

        try
        {
            var values = get(carrier, TraceHeaders.AmazonTraceId);
            var value = values?.FirstOrDefault();
            if (!XRayTraceHeader.TryParse(value, out var header))
            {
                return context;
            }

            // Sampled=? or absent asks us to decide; we mark it sampled and let the sampler's parent rule keep
            // the trace (the rule-based XRaySampler re-decides such parents, see XRaySampler.DeferredTraceState).
            var h = header.GetValueOrDefault();
            var flags = h.Sampled == false ? ActivityTraceFlags.None : ActivityTraceFlags.Recorded;
            var traceState = h.Sampled is null ? XRaySampler.DeferredTraceState : null;
            return new PropagationContext(new ActivityContext(h.TraceId, h.ParentId, flags, traceState, isRemote: true), context.Baggage);
        }
        catch (Exception)
        {
            return context; // a malformed header must never fail the request
        }
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (!IsValid(context.ActivityContext) || carrier is null || setter is not { } set)
        {
            return;
        }

        var ctx = context.ActivityContext;
        set(carrier, TraceHeaders.AmazonTraceId,
            XRayTraceHeader.Format(ctx.TraceId, ctx.SpanId, (ctx.TraceFlags & ActivityTraceFlags.Recorded) != 0));
    }

    private static bool IsValid(ActivityContext context) => context.TraceId != default && context.SpanId != default;
}
