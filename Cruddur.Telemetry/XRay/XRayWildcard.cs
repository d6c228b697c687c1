namespace Cruddur.Telemetry.XRay;

/// <summary>
/// X-Ray's wildcard matching (sampling rules, dynamic naming): <c>*</c> is any run of characters, <c>?</c> exactly
/// one; case-insensitive. Iterative with single back-tracking point, no allocation.
/// </summary>
internal static class XRayWildcard
{
    public static bool IsMatch(string pattern, ReadOnlySpan<char> text)
    {
        if (pattern == "*")
        {
            return true;
        }

        var p = 0;
        var t = 0;
        var starP = -1;
        var starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
