namespace Cruddur.Grains;

/// <summary>The original's post lifetimes: <c>ttl</c> in <c>POST /api/activities</c>.</summary>
public static class Ttl
{
    private static readonly Dictionary<string, TimeSpan> Lifetimes = new(StringComparer.Ordinal)
    {
        ["30-days"] = TimeSpan.FromDays(30),
        ["7-days"] = TimeSpan.FromDays(7),
        ["3-days"] = TimeSpan.FromDays(3),
        ["1-day"] = TimeSpan.FromDays(1),
        ["12-hours"] = TimeSpan.FromHours(12),
        ["3-hours"] = TimeSpan.FromHours(3),
        ["1-hour"] = TimeSpan.FromHours(1),
    };

    public static IReadOnlyCollection<string> Names => Lifetimes.Keys;

    public static bool TryParse(string? ttl, out TimeSpan lifetime)
    {
        lifetime = default;
        return ttl is not null && Lifetimes.TryGetValue(ttl, out lifetime);
    }
}
