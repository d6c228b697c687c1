using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenTelemetry;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// The two sampling calls, sent to the X-Ray daemon's TCP proxy, which signs them and forwards them to X-Ray:
/// <c>POST /GetSamplingRules</c> (https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingRules.html), every page
/// by <c>NextToken</c>, and <c>POST /SamplingTargets</c>
/// (https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingTargets.html). <c>Expect: 100-continue</c> is never
/// sent (the daemon must have the body to sign it). The calls are not traced: their spans would be sampled by the
/// very sampler they feed.
/// </summary>
internal sealed class XRaySamplingProxyClient : IDisposable
{
    /// <summary>At most this many statistics documents per <c>SamplingTargets</c> call (the API's limit).</summary>
    public const int MaxStatisticsPerCall = 25;

    private const int MaxPages = 100;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;

    public XRaySamplingProxyClient(string host, int port, HttpMessageHandler? handler = null)
    {
        var authority = host.Contains(':') ? $"[{host}]" : host;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
        })
        {
            BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{authority}:{port}/")),
            Timeout = TimeSpan.FromSeconds(5),
        };
        _http.DefaultRequestHeaders.ExpectContinue = false;
    }

    /// <summary>Every rule record, all pages; the applicable rules ordered, <c>Default</c> last.</summary>
    public async Task<IReadOnlyList<XRaySamplingRule>> GetSamplingRulesAsync(CancellationToken cancellationToken)
    {
        var rules = new List<XRaySamplingRule>();
        string? nextToken = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var body = nextToken is null ? "{}" : JsonSerializer.Serialize(new Dictionary<string, string> { ["NextToken"] = nextToken });
            using var document = await PostAsync("GetSamplingRules", body, cancellationToken);
            var root = document.RootElement;
            if (root.TryGetProperty("SamplingRuleRecords", out var records) && records.ValueKind == JsonValueKind.Array)
            {
                XRaySamplingRules.AddRecords(rules, records);
            }

            nextToken = root.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String &&
                        token.GetString() is { Length: > 0 } text
                ? text
                : null;
            if (nextToken is null)
            {
                return XRaySamplingRules.Ordered(rules);
            }
        }

        throw new FormatException($"GetSamplingRules still had a NextToken after {MaxPages} pages");
    }

    /// <summary>One <c>SamplingTargets</c> call with at most <see cref="MaxStatisticsPerCall"/> documents.</summary>
    public async Task<XRaySamplingTargets> GetSamplingTargetsAsync(IReadOnlyList<XRaySamplingStatistics> statistics,
        string clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (statistics.Count > MaxStatisticsPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(statistics), $"at most {MaxStatisticsPerCall} documents per call");
        }

        using var document = await PostAsync("SamplingTargets", StatisticsBody(statistics, clientId, now), cancellationToken);
        var root = document.RootElement;
        var targets = new List<XRaySamplingTarget>();
        if (root.TryGetProperty("SamplingTargetDocuments", out var documents) && documents.ValueKind == JsonValueKind.Array)
        {
            foreach (var target in documents.EnumerateArray())
            {
                if (String(target, "RuleName") is not { } name)
                {
                    continue;
                }

                targets.Add(new XRaySamplingTarget(
                    name,
                    Number(target, "FixedRate"),
                    Number(target, "ReservoirQuota") is { } quota ? (int)Math.Clamp(quota, 0, int.MaxValue) : null,
                    Time(target, "ReservoirQuotaTTL"),
                    Number(target, "Interval") is { } interval and > 0 ? TimeSpan.FromSeconds(interval) : null));
            }
        }

        var unprocessed = new List<string>();
        if (root.TryGetProperty("UnprocessedStatistics", out var problems) && problems.ValueKind == JsonValueKind.Array)
        {
            foreach (var problem in problems.EnumerateArray())
            {
                unprocessed.Add($"{String(problem, "RuleName")}: {String(problem, "ErrorCode")} {String(problem, "Message")}".Trim());
            }
        }

        return new XRaySamplingTargets(targets, Time(root, "LastRuleModification"), unprocessed);
    }

    internal static string StatisticsBody(IReadOnlyList<XRaySamplingStatistics> statistics, string clientId, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("SamplingStatisticsDocuments");
            foreach (var s in statistics)
            {
                w.WriteStartObject();
                w.WriteString("RuleName", s.RuleName);
                w.WriteString("ClientID", clientId);
                w.WriteNumber("Timestamp", now.ToUnixTimeSeconds());
                w.WriteNumber("RequestCount", s.RequestCount);
                w.WriteNumber("SampledCount", s.SampledCount);
                w.WriteNumber("BorrowCount", s.BorrowCount);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task<JsonDocument> PostAsync(string path, string body, CancellationToken cancellationToken)
    {
        using var suppress = SuppressInstrumentationScope.Begin();
        using var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync(path, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"{path} answered {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}",
                null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, default, cancellationToken);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>AWS JSON-protocol timestamps are epoch seconds (a number); an ISO 8601 string is read too.</summary>
    private static DateTimeOffset? Time(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => DateTimeOffset.UnixEpoch.AddSeconds(value.GetDouble()),
            JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
            _ => null,
        };
    }

    public void Dispose() => _http.Dispose();
}
