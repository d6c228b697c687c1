namespace Cruddur.Grains;

/// <summary>The rule for user handles: 1–32 ASCII letters, digits or underscores. Nothing else becomes a grain key.</summary>
public static class Handle
{
    public const int MaxLength = 32;

    /// <summary>The grain key for a handle as typed (handles are case-insensitive); null when it breaks the rule.</summary>
    public static string? Normalize(string? handle) => IsValid(handle) ? handle!.ToLowerInvariant() : null;

    public static bool IsValid(string? handle)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in handle)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
