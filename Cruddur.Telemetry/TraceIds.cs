using System.Diagnostics;

namespace Cruddur.Telemetry;

/// <summary>One trace, two spellings: W3C (32 hex) and X-Ray (<c>1-{8 hex epoch}-{24 hex}</c>).</summary>
public static class TraceIds
{
    public static string ToXRay(ActivityTraceId traceId) => ToXRay(traceId.ToHexString());

    public static string ToXRay(string w3cTraceId) =>
        w3cTraceId.Length == 32 ? string.Concat("1-", w3cTraceId.AsSpan(0, 8), "-", w3cTraceId.AsSpan(8)) : w3cTraceId;

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
