using System.Globalization;

namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// Attribute values made into dimension values from small, fixed sets only, so no request data (a handle, a uuid,
/// a query) can become a dimension: a status code becomes its class, a method one of the standard verbs, a route
/// the template ASP.NET Core matched (never the path).
/// </summary>
internal static class EmfDimensionValues
{
    public const string NoRoute = "(unmatched)";
    public const string Other = "_OTHER";
    private const int MaxLength = 256;

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal)
    {
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
    };

    /// <summary><c>2xx</c>, <c>4xx</c>, <c>5xx</c>, ... from <c>http.response.status_code</c>; <c>other</c> when absent or odd.</summary>
    public static string StatusClass(object? statusCode) =>
        AsInt(statusCode) is >= 100 and <= 599 and var code ? $"{code / 100}xx" : "other";

    public static string Method(object? method) =>
        method is string m && Methods.Contains(m) ? m : Other;

    /// <summary>The matched route template (<c>http.route</c>, e.g. <c>/api/activities/{uuid:guid}</c>).</summary>
    public static string Route(object? route) =>
        route is string { Length: > 0 } r ? Capped(r) : NoRoute;

    /// <summary>A value from a set the code itself defines (sink, reason, grain type, GC generation).</summary>
    public static string Named(object? value) =>
        Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } s ? Capped(s) : "none";

    private static string Capped(string s) => s.Length <= MaxLength ? s : s[..MaxLength];

    private static int? AsInt(object? value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        short s => s,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };
}
