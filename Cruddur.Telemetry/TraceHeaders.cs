namespace Cruddur.Telemetry;

public static class TraceHeaders
{
    /// <summary>AWS's trace header, written by load balancers and read by X-Ray.</summary>
    public const string AmazonTraceId = "X-Amzn-Trace-Id";
}
