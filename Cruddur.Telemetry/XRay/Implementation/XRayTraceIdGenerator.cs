using System.Buffers.Binary;
using System.Diagnostics;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// Trace ids X-Ray accepts: the first 4 bytes are the current Unix time in seconds (big-endian), the other 12 are
/// random. The W3C id <c>4efaaf4d…</c> and the X-Ray id <c>1-4efaaf4d-…</c> are then the same trace everywhere.
/// Installed process-wide through <see cref="Activity.TraceIdGenerator"/>, which the runtime calls for every
/// new root activity (a parented activity keeps its parent's id).
/// </summary>
internal static class XRayTraceIdGenerator
{
    /// <summary>Makes every new root trace id in this process X-Ray-compatible.</summary>
    public static void Install(TimeProvider? time = null) => Activity.TraceIdGenerator = Create(time ?? TimeProvider.System);

    public static Func<ActivityTraceId> Create(TimeProvider time) => () => NewTraceId(time);

    public static ActivityTraceId NewTraceId(TimeProvider time)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)time.GetUtcNow().ToUnixTimeSeconds());
        // Unique, not secret: the runtime's own trace and span ids come from the same kind of generator. The
        // cryptographic one cost a getpid system call per request (OpenSSL's fork check).
        Random.Shared.NextBytes(bytes[4..]);
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    /// <summary>X-Ray refuses a trace whose epoch prefix is more than 30 days old or more than 5 minutes ahead.</summary>
    public static bool IsAcceptedByXRay(ActivityTraceId traceId, DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        var epochSeconds = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);

        var started = DateTimeOffset.FromUnixTimeSeconds(epochSeconds);
        return started >= now.AddDays(-30) && started <= now.AddMinutes(5);
    }
}
