using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// The <c>X-Amzn-Trace-Id</c> header: <c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c>.
/// Keys may come in any order and others (ALB's <c>Self=</c>, <c>Lineage=</c>) may appear; they are ignored.
/// </summary>
internal readonly record struct XRayTraceHeader(ActivityTraceId TraceId, ActivitySpanId ParentId, bool? Sampled)
{
    /// <summary>
    /// Parses a header that names a usable parent: <c>Root</c> (a valid X-Ray trace id) and <c>Parent</c> (16 hex)
    /// are required; <c>Sampled</c> is 1, 0, or absent/<c>?</c> (null: the receiver decides).
    /// </summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out XRayTraceHeader? header)
    {
        header = null;
        if (string.IsNullOrEmpty(value) || value.Length > 512)
        {
            return false;
        }

        ActivityTraceId traceId = default;
        ActivitySpanId parentId = default;
        bool? sampled = null;
        bool hasRoot = false, hasParent = false;
        foreach (var range in value.AsSpan().Split(';'))
        {
            var part = value.AsSpan()[range].Trim();
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq].Trim();
            var val = part[(eq + 1)..].Trim();
            if (key.Equals("Root", StringComparison.OrdinalIgnoreCase))
            {
                // An all-zero id is invalid (and the runtime's parser throws on it).
                hasRoot = val.Length == 35 && val[2..].IndexOfAnyExcept('0', '-') >= 0 && TraceIds.TryFromXRay(val.ToString(), out traceId);
            }
            else if (key.Equals("Parent", StringComparison.OrdinalIgnoreCase))
            {
                hasParent = IsLowerOrUpperHex(val, 16) && val.IndexOfAnyExcept('0') >= 0;
                if (hasParent)
                {
                    parentId = ActivitySpanId.CreateFromString(val.ToString().ToLowerInvariant());
                }
            }
            else if (key.Equals("Sampled", StringComparison.OrdinalIgnoreCase))
            {
                sampled = val is "1" ? true : val is "0" ? false : null;
            }
        }

        if (!hasRoot || !hasParent || traceId == default || parentId == default)
        {
            return false;
        }

        header = new XRayTraceHeader(traceId, parentId, sampled);
        return true;
    }

    /// <summary>The header a caller sends downstream: <c>Root=…;Parent=…;Sampled=0|1</c>.</summary>
    public static string Format(ActivityTraceId traceId, ActivitySpanId spanId, bool sampled) =>
        $"Root={TraceIds.ToXRay(traceId)};Parent={spanId.ToHexString()};Sampled={(sampled ? '1' : '0')}";

    /// <summary>The header the gateway answers with: <c>Root=1-…-…</c>.</summary>
    public static string FormatRoot(ActivityTraceId traceId) => "Root=" + TraceIds.ToXRay(traceId);

    private static bool IsLowerOrUpperHex(ReadOnlySpan<char> value, int length)
    {
        if (value.Length != length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
