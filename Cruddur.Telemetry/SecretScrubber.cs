using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cruddur.Telemetry;

/// <summary>
/// Replaces secret values with <see cref="Mask"/>. Keys match case-insensitively and ignoring <c>-</c> and <c>_</c>
/// (so <c>X-Api-Key</c>, <c>api_key</c> and <c>apiKey</c> are one key); keys that merely contain <c>password</c>,
/// <c>secret</c> or <c>token</c> are scrubbed too, since a false positive costs nothing and a leak costs a rotation.
/// Works recursively over JSON nodes, header dictionaries, query strings, URLs and JSON or form bodies.
/// </summary>
public sealed class SecretScrubber
{
    public const string Mask = "***";

    public static readonly IReadOnlyList<string> DefaultFields =
    [
        "authorization", "cookie", "set-cookie", "x-api-key", "x-rollbar-access-token", "x-honeycomb-team",
        "password", "secret", "token", "access_token", "api_key", "client_secret", "private_key",
        // pyrollbar's and Rollbar.NET's defaults, for good measure:
        "passwd", "pw", "auth", "authentication", "auth_token", "confirm_password", "password_confirmation",
        "x-access-token", "x-csrf-token", "proxy-authorization", "www-authenticate",
    ];

    private static readonly string[] ContainedFields = ["password", "secret", "token", "apikey", "privatekey"];

    private readonly HashSet<string> _fields;

    public SecretScrubber(IEnumerable<string>? extraFields = null)
    {
        _fields = new HashSet<string>(DefaultFields.Concat(extraFields ?? []).Select(Normalize), StringComparer.Ordinal);
    }

    public bool IsSensitive(string key)
    {
        var normalized = Normalize(key);
        if (_fields.Contains(normalized))
        {
            return true;
        }

        foreach (var contained in ContainedFields)
        {
            if (normalized.Contains(contained, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Scrubs every property whose key is sensitive, at any depth.</summary>
    public void Scrub(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (IsSensitive(key))
                    {
                        obj[key] = Mask;
                    }
                    else
                    {
                        Scrub(obj[key]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Scrub(item);
                }

                break;
        }
    }

    public JsonObject ScrubHeaders(IReadOnlyDictionary<string, string> headers)
    {
        var result = new JsonObject();
        foreach (var (name, value) in headers)
        {
            // URL-valued headers (Referer, X-Original-URL, ...) can carry ?access_token=… in their query.
            result[name] = IsSensitive(name) ? Mask : value.Contains('?') ? ScrubUrl(value) : value;
        }

        return result;
    }

    /// <summary><c>a=1&amp;token=x</c> → <c>a=1&amp;token=***</c>; a leading <c>?</c> is kept.</summary>
    public string ScrubQueryString(string query)
    {
        if (query.Length == 0)
        {
            return query;
        }

        var prefix = query[0] == '?' ? "?" : string.Empty;
        var pairs = query[prefix.Length..].Split('&');
        for (var i = 0; i < pairs.Length; i++)
        {
            var eq = pairs[i].IndexOf('=');
            var rawKey = eq < 0 ? pairs[i] : pairs[i][..eq];
            if (eq >= 0 && IsSensitive(Decode(rawKey)))
            {
                pairs[i] = rawKey + "=" + Mask;
            }
        }

        return prefix + string.Join('&', pairs);
    }

    /// <summary>The query part of a URL, parsed into a JSON object (Rollbar's <c>request.GET</c>), scrubbed.</summary>
    public JsonObject QueryParameters(string? query)
    {
        var result = new JsonObject();
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
            result[key] = IsSensitive(key) ? Mask : value;
        }

        return result;
    }

    public string ScrubUrl(string url)
    {
        var q = url.IndexOf('?');
        if (q < 0)
        {
            return url;
        }

        var hash = url.IndexOf('#', q);
        var query = hash < 0 ? url[q..] : url[q..hash];
        var fragment = hash < 0 ? string.Empty : url[hash..];
        return url[..q] + ScrubQueryString(query) + fragment;
    }

    /// <summary>A request body: JSON is parsed and scrubbed by key, a form body by pair; anything else is kept.</summary>
    public string ScrubBody(string body)
    {
        var trimmed = body.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                var node = JsonNode.Parse(body);
                Scrub(node);
                return node?.ToJsonString() ?? body;
            }
            catch (JsonException)
            {
                return body;
            }
        }

        return body.Contains('=') ? ScrubQueryString(body) : body;
    }

    private static string Normalize(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (c is not ('-' or '_' or ' '))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return value;
        }
    }
}
