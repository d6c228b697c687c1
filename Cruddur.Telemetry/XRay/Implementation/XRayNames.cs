using System.Text;

namespace Cruddur.Telemetry.XRay;

/// <summary>The character rules X-Ray puts on segment names and annotation keys.</summary>
internal static class XRayNames
{
    public const int MaxNameLength = 200;
    public const string FallbackName = "span";

    /// <summary>
    /// The segment (service-map node) name, used alike by the exporter and by the sampler's ServiceName match:
    /// AWS_XRAY_TRACING_NAME, else the request host when it matches the AWS_XRAY_URL wildcard pattern (the
    /// original's dynamic naming), else service.name; sanitised.
    /// </summary>
    public static string SegmentName(string? tracingName, string? dynamicNamingPattern, string? host, string serviceName)
    {
        if (tracingName is not null)
        {
            return Sanitize(tracingName);
        }

        return dynamicNamingPattern is not null && host is not null && XRayWildcard.IsMatch(dynamicNamingPattern, host)
            ? Sanitize(host)
            : Sanitize(serviceName);
    }

    /// <summary>
    /// Keeps Unicode letters, numbers, space separators and <c>_ . : / % &amp; # = + - @</c> (the segment schema's
    /// set; the backslash the prose allows is not in the schema, so it goes), at most 200 characters; empty → "span".
    /// </summary>
    public static string Sanitize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return FallbackName;
        }

        if (name.Length <= MaxNameLength && IsClean(name))
        {
            return name;
        }

        var sb = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        foreach (var c in name)
        {
            if (IsAllowed(c))
            {
                sb.Append(c);
                if (sb.Length == MaxNameLength)
                {
                    break;
                }
            }
        }

        return sb.Length == 0 ? FallbackName : sb.ToString();
    }

    /// <summary>Annotation keys: anything outside <c>[A-Za-z0-9_]</c> becomes <c>_</c>.</summary>
    public static string SanitizeAnnotationKey(string key)
    {
        foreach (var c in key)
        {
            if (!IsAnnotationKeyChar(c))
            {
                return string.Create(key.Length, key, static (span, k) =>
                {
                    for (var i = 0; i < k.Length; i++)
                    {
                        span[i] = IsAnnotationKeyChar(k[i]) ? k[i] : '_';
                    }
                });
            }
        }

        return key;
    }

    private static bool IsClean(string name)
    {
        foreach (var c in name)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAnnotationKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsAllowed(char c) =>
        char.IsLetter(c) || char.IsNumber(c) || char.IsSeparator(c) ||
        c is '_' or '.' or ':' or '/' or '%' or '&' or '#' or '=' or '+' or '-' or '@';
}
