using System.Diagnostics;
using Orleans;
using Orleans.Runtime;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Reports exceptions escaping grain calls in the silo, with grain type, interface, method and grain id, and marks them
/// (<see cref="RollbarReportedMarker"/>) so the caller — another grain, or the gateway after Orleans carried the
/// exception back — does not report them again. Register after <c>AddActivityPropagation()</c> so the grain call's
/// span is current; otherwise the trace is read from the <c>traceparent</c> Orleans put in the RequestContext.
/// </summary>
public sealed class RollbarGrainCallFilter(IRollbarNotifier? notifier = null) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (Report(context, exception))
        {
            throw; // unreachable: Report returns false so the exception keeps its original stack
        }
    }

    private bool Report(IIncomingGrainCallContext context, Exception exception)
    {
        try
        {
            if (notifier is not { Enabled: true } || RollbarReportedMarker.IsReported(exception))
            {
                return false;
            }

            var grainType = context.Grain?.GetType().FullName ?? context.TargetId.Type.ToString();
            var custom = new Dictionary<string, string?>
            {
                ["grain_type"] = grainType,
                ["grain_interface"] = context.InterfaceName,
                ["grain_method"] = context.MethodName,
                ["grain_id"] = context.TargetId.Key.ToString(),
            };

            using var restored = Activity.Current is null ? RestoreTraceFromRequestContext(custom) : null;
            notifier.Report(exception, RollbarLevel.Error, custom: custom,
                context: $"{context.Grain?.GetType().Name ?? grainType}#{context.MethodName}");
        }
        catch
        {
            // Reporting must never change what the caller sees.
        }

        return false;
    }

    /// <summary>No span is current (no listener): carry the caller's trace from the RequestContext.</summary>
    private static Activity? RestoreTraceFromRequestContext(Dictionary<string, string?> custom)
    {
        if (RequestContext.Get("traceparent") is string traceparent
            && ActivityContext.TryParse(traceparent, RequestContext.Get("tracestate") as string, isRemote: true, out var parent))
        {
            var activity = new Activity("rollbar-report");
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            custom["span_id"] = parent.SpanId.ToHexString();
            return activity.Start();
        }

        return null;
    }
}
