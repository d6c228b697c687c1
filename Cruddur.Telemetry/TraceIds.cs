using System.Diagnostics;

namespace Cruddur.Telemetry;

/// <summary>One trace, two spellings: W3C (32 hex) and X-Ray (<c>1-{8 hex epoch}-{24 hex}</c>).</summary>
internal static class TraceIds
{
    public static string ToXRay(ActivityTraceId traceId) => ToXRay(traceId.ToHexString());

    public static string ToXRay(string w3cTraceId) =>
        w3cTraceId.Length == 32 ? string.Concat("1-", w3cTraceId.AsSpan(0, 8), "-", w3cTraceId.AsSpan(8)) : w3cTraceId;

    /// <summary>Length of the X-Ray spelling, <c>1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy</c>.</summary>
    public const int XRayLength = 35;

    /// <summary>Writes the X-Ray spelling as UTF-8 into <paramref name="destination"/> (<see cref="XRayLength"/> bytes), allocating nothing.</summary>
    public static void WriteXRayUtf8(ActivityTraceId traceId, Span<byte> destination)
    {
        Span<byte> raw = stackalloc byte[16];
        traceId.CopyTo(raw);
        destination[0] = (byte)'1';
        destination[1] = (byte)'-';
        WriteHexUtf8(raw[..4], destination[2..10]);
        destination[10] = (byte)'-';
        WriteHexUtf8(raw[4..], destination[11..XRayLength]);
    }

    /// <summary>Writes a span id's 16 lower-case hex digits as UTF-8, allocating nothing.</summary>
    public static void WriteHexUtf8(ActivitySpanId spanId, Span<byte> destination)
    {
        Span<byte> raw = stackalloc byte[8];
        spanId.CopyTo(raw);
        WriteHexUtf8(raw, destination);
    }

    private static void WriteHexUtf8(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        var digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }
    }

    /// <summary>Parses <c>1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy</c> back into a W3C trace id.</summary>
    public static bool TryFromXRay(string? xray, out ActivityTraceId traceId)
    {
        traceId = default;
        if (xray is not { Length: 35 } || xray[0] != '1' || xray[1] != '-' || xray[10] != '-')
        {
            return false;
        }

        var hex = string.Concat(xray.AsSpan(2, 8), xray.AsSpan(11, 24));
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        traceId = ActivityTraceId.CreateFromString(hex.ToLowerInvariant());
        return true;
    }
}
