using System.Diagnostics;

namespace Cruddur.Tests.Fakes;

/// <summary>Traces the tests start themselves, and what a whole grain request looks like at an OTLP receiver.</summary>
public static class TestTrace
{
    /// <summary>A W3C <c>traceparent</c> (sampled) for a caller span of <paramref name="traceId"/>.</summary>
    public static string TraceParent(string traceId) => $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    public static string TraceParent(ActivityTraceId traceId) => TraceParent(traceId.ToHexString());

    /// <summary>
    /// All four spans of one request through a grain have arrived: the gateway's server and Orleans client spans, the
    /// silo's server span and the grain's own span. Each process exports on its own schedule, so a test waits for all.
    /// </summary>
    public static bool HasGrainRequest(IReadOnlyList<ReceivedSpan> spans, string traceId, string grainSpanName) =>
        spans.Any(s => s.TraceId == traceId && s.Name == grainSpanName)
        && spans.Any(s => s.TraceId == traceId && s.ServiceName == "cruddur-silo" && s.Kind == ReceivedSpan.KindServer)
        && spans.Any(s => s.TraceId == traceId && s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindClient)
        && spans.Any(s => s.TraceId == traceId && s.ServiceName == "cruddur-gateway" && s.Kind == ReceivedSpan.KindServer);
}
