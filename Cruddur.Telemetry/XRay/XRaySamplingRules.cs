using System.Globalization;
using System.Text.Json;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// Reads a sampling rule file in either shape:
/// <list type="bullet">
/// <item>the service's: <c>{"SamplingRule": {...}}</c> (what <c>aws xray create-sampling-rule --cli-input-json</c>
/// takes; the original's <c>aws/json/xray.json</c>), a bare rule object, or <c>get-sampling-rules</c> output
/// (<c>{"SamplingRuleRecords": [{"SamplingRule": {...}}]}</c>); ordered by priority, then name; X-Ray's
/// <c>Default</c> (1/s + 5 %) is added last unless the file has one;</item>
/// <item>the SDKs' local format, version 1 or 2: <c>{"version": 2, "rules": [...], "default": {...}}</c>; rules in
/// file order, then <c>default</c>.</item>
/// </list>
/// Rules with <c>Attributes</c>, a <c>ResourceARN</c> other than <c>*</c> or a <c>Version</c> other than 1 are skipped
/// (SDKs cannot evaluate them).
/// </summary>
internal static class XRaySamplingRules
{
    public static IReadOnlyList<XRaySamplingRule> Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a sampling rule file must hold a JSON object");
        }

        if (TryGet(root, "version", out var version))
        {
            return ParseLocal(root, version.GetInt32());
        }

        var rules = new List<XRaySamplingRule>();
        if (TryGet(root, "SamplingRule", out var single))
        {
            AddCentral(rules, single);
        }
        else if (TryGet(root, "SamplingRuleRecords", out var records))
        {
            AddRecords(rules, records);
        }
        else if (TryGet(root, "RuleName", out _))
        {
            AddCentral(rules, root);
        }
        else
        {
            throw new FormatException("expected {\"SamplingRule\": {...}}, {\"SamplingRuleRecords\": [...]} or {\"version\": 2, \"rules\": [...]}");
        }

        return Ordered(rules);
    }

    /// <summary>
    /// The rules of one <c>GetSamplingRules</c> page (<c>SamplingRuleRecords</c>) added to <paramref name="rules"/>;
    /// see https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingRules.html.
    /// </summary>
    internal static void AddRecords(List<XRaySamplingRule> rules, JsonElement records)
    {
        foreach (var record in records.EnumerateArray())
        {
            AddCentral(rules, TryGet(record, "SamplingRule", out var rule) ? rule : record);
        }
    }

    /// <summary>By priority, then name; X-Ray's <c>Default</c> added last unless there is one.</summary>
    internal static List<XRaySamplingRule> Ordered(List<XRaySamplingRule> rules)
    {
        rules.Sort((a, b) => a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority) : string.CompareOrdinal(a.Name, b.Name));
        var fallback = rules.FindIndex(r => r.Name == "Default");
        if (fallback < 0)
        {
            rules.Add(XRaySamplingRule.Default);
        }
        else if (fallback != rules.Count - 1)
        {
            // Default catches what no other rule matched, whatever priority it was given.
            var rule = rules[fallback];
            rules.RemoveAt(fallback);
            rules.Add(rule);
        }

        return rules;
    }

    private static void AddCentral(List<XRaySamplingRule> rules, JsonElement rule)
    {
        // Rule format version 1 is the only one there is, and the only one the SDKs apply.
        if (TryGet(rule, "Version", out var version) && version.ValueKind == JsonValueKind.Number && version.GetInt32() != 1)
        {
            return;
        }

        if (TryGet(rule, "Attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object && attributes.EnumerateObject().Any())
        {
            return;
        }

        if (TryGet(rule, "ResourceARN", out var arn) && arn.GetString() is { } arnText && arnText != "*")
        {
            return;
        }

        var name = TryGet(rule, "RuleName", out var n) ? n.GetString() ?? "" : "";
        var parsed = new XRaySamplingRule(
            Name: name,
            Priority: Required(rule, "Priority").GetInt32(),
            FixedRate: Rate(Required(rule, "FixedRate").GetDouble(), name),
            ReservoirSize: Count(Required(rule, "ReservoirSize").GetInt32(), name),
            ServiceName: Pattern(rule, "ServiceName"),
            ServiceType: Pattern(rule, "ServiceType"),
            Host: Pattern(rule, "Host"),
            HttpMethod: Pattern(rule, "HTTPMethod"),
            UrlPath: Pattern(rule, "URLPath"));
        if (parsed.Priority is < 1 or > 10000)
        {
            throw new FormatException($"rule '{name}': Priority must be 1..9999 (10000 for Default)");
        }

        rules.Add(parsed);
    }

    private static List<XRaySamplingRule> ParseLocal(JsonElement root, int version)
    {
        if (version is not (1 or 2))
        {
            throw new FormatException($"local sampling rules version {version} is not 1 or 2");
        }

        var rules = new List<XRaySamplingRule>();
        if (TryGet(root, "rules", out var list))
        {
            var index = 0;
            foreach (var rule in list.EnumerateArray())
            {
                index++;
                var name = TryGet(rule, "description", out var d) && d.GetString() is { Length: > 0 } description
                    ? description
                    : string.Create(CultureInfo.InvariantCulture, $"local-{index}");
                // v1 calls the host pattern service_name; v2 calls it host.
                var host = version == 1 ? LocalPattern(rule, "service_name") : LocalPattern(rule, "host");
                rules.Add(new XRaySamplingRule(
                    Name: name,
                    Priority: index,
                    FixedRate: Rate(Required(rule, "rate").GetDouble(), name),
                    ReservoirSize: Count(Required(rule, "fixed_target").GetInt32(), name),
                    Host: host,
                    HttpMethod: LocalPattern(rule, "http_method"),
                    UrlPath: LocalPattern(rule, "url_path")));
            }
        }

        var fallback = TryGet(root, "default", out var def)
            ? new XRaySamplingRule("Default", 10000, Rate(Required(def, "rate").GetDouble(), "default"), Count(Required(def, "fixed_target").GetInt32(), "default"))
            : XRaySamplingRule.Default;
        rules.Add(fallback);
        return rules;
    }

    private static string Pattern(JsonElement rule, string name) =>
        TryGet(rule, name, out var value) && value.GetString() is { Length: > 0 } text ? text : "*";

    private static string LocalPattern(JsonElement rule, string name) =>
        TryGet(rule, name, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"local rule is missing '{name}'");

    private static double Rate(double rate, string rule) =>
        rate is >= 0 and <= 1 ? rate : throw new FormatException($"rule '{rule}': rate {rate} is not between 0 and 1");

    private static int Count(int count, string rule) =>
        count >= 0 ? count : throw new FormatException($"rule '{rule}': reservoir {count} is negative");

    private static JsonElement Required(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? value : throw new FormatException($"sampling rule is missing '{name}'");

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value);
    }
}
