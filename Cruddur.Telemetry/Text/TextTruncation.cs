namespace Cruddur.Telemetry.Text;

/// <summary>
/// The one way a sink shortens text: by UTF-16 length, never keeping half of a surrogate pair (an emoji cut in half
/// is an unpaired surrogate, which JSON writers escape as <c>\uD83D</c> or replace with U+FFFD).
/// </summary>
internal static class TextTruncation
{
    /// <summary>At most <paramref name="max"/> chars of <paramref name="value"/>; one fewer when the cut would split a pair.</summary>
    public static ReadOnlySpan<char> Truncate(ReadOnlySpan<char> value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        if (max <= 0)
        {
            return [];
        }

        return value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];
    }

    /// <summary>The same as a string (the same instance when nothing is cut).</summary>
    public static string Truncate(string value, int max) =>
        value.Length <= max ? value : Truncate(value.AsSpan(), max).ToString();

    /// <summary>
    /// <paramref name="value"/> when it has at most <paramref name="max"/> chars; otherwise its first
    /// <paramref name="keep"/> chars (surrogate-safe) followed by <paramref name="suffix"/>.
    /// </summary>
    public static string Truncate(string value, int max, int keep, string suffix) =>
        value.Length <= max ? value : string.Concat(Truncate(value.AsSpan(), keep), suffix);
}
