using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cruddur.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cruddur.Tests.Fakes;

/// <summary>One call the fake proxy answered: path, whether <c>Expect</c> was sent, and the JSON body.</summary>
public sealed record XRayProxyCall(string Path, bool SentExpect, JsonObject Body)
{
    /// <summary>The <c>SamplingStatisticsDocuments</c> of a <c>SamplingTargets</c> call.</summary>
    public IReadOnlyList<JsonObject> Statistics =>
        Body["SamplingStatisticsDocuments"] is JsonArray documents ? [.. documents.OfType<JsonObject>()] : [];
}

/// <summary>
/// The X-Ray daemon's TCP proxy as the tests own it, on 127.0.0.1: <c>POST /GetSamplingRules</c> answers
/// <see cref="Rules"/> in pages of <see cref="PageSize"/> with <c>NextToken</c>; <c>POST /SamplingTargets</c> answers
/// the targets <see cref="Targets"/> gives for the reported rules, and <see cref="LastRuleModification"/>. It can be
/// stopped (its port then refuses connections) and started again on the same port.
/// </summary>
public sealed class FakeXRaySamplingProxy : IAsyncDisposable
{
    private readonly Observed<XRayProxyCall> _calls = new();
    private readonly object _gate = new();
    private WebApplication? _app;
    private List<JsonObject> _rules = [];

    private FakeXRaySamplingProxy(int port) => Port = port;

    public int Port { get; }

    /// <summary>For <c>AWS_XRAY_DAEMON_ADDRESS</c>: this proxy for TCP, the given port for UDP.</summary>
    public string DaemonAddress(int udpPort) => $"tcp:127.0.0.1:{Port} udp:127.0.0.1:{udpPort}";

    public int PageSize { get; set; } = 100;

    /// <summary>True: <c>GetSamplingRules</c> answers 500 (reachable, but no rules), as when the daemon lacks credentials.</summary>
    public bool FailRules { get; set; }

    /// <summary>Epoch seconds sent as <c>LastRuleModification</c> (null: not sent).</summary>
    public double? LastRuleModification { get; set; }

    /// <summary>Targets for one reported rule name (null: no target document for it).</summary>
    public Func<string, JsonObject?> Targets { get; set; } = _ => null;

    public IReadOnlyList<XRayProxyCall> Calls => _calls.Snapshot();

    public static async Task<FakeXRaySamplingProxy> StartAsync()
    {
        var proxy = new FakeXRaySamplingProxy(FreePort.Tcp());
        await proxy.StartAgainAsync();
        return proxy;
    }

    /// <summary>The rules served from now on (each a <c>SamplingRule</c> object).</summary>
    public void ServeRules(params JsonObject[] rules)
    {
        lock (_gate)
        {
            _rules = [.. rules];
        }
    }

    public static JsonObject Rule(string name, int priority, double fixedRate, int reservoirSize, string serviceName = "*",
        string urlPath = "*", int version = 1, string resourceArn = "*") => new()
    {
        ["RuleName"] = name, ["RuleARN"] = $"arn:aws:xray:us-east-1:000000000000:sampling-rule/{name}",
        ["ResourceARN"] = resourceArn, ["Priority"] = priority, ["FixedRate"] = fixedRate, ["ReservoirSize"] = reservoirSize,
        ["ServiceName"] = serviceName, ["ServiceType"] = "*", ["Host"] = "*", ["HTTPMethod"] = "*", ["URLPath"] = urlPath,
        ["Version"] = version, ["Attributes"] = new JsonObject(),
    };

    public Task<IReadOnlyList<XRayProxyCall>> WaitForCallsAsync(Func<IReadOnlyList<XRayProxyCall>, bool> condition, TimeSpan timeout) =>
        _calls.WaitForAsync(condition, timeout, seen =>
            $"proxy calls did not arrive within {timeout}; got: {string.Join(", ", seen.Select(c => c.Path))}");

    /// <summary>Closes the port: connections are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        var path = context.Request.Path.Value ?? "";
        var sentExpect = context.Request.Headers.ContainsKey("Expect");
        JsonObject answer;
        switch (path)
        {
            case "/GetSamplingRules" when FailRules:
                _calls.Add(new XRayProxyCall(path, sentExpect, body));
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("{\"__type\":\"InternalFailure\"}");
                return;
            case "/GetSamplingRules" when context.Request.Method == "POST":
                answer = RulesPage(body["NextToken"]?.GetValue<string>());
                break;
            case "/SamplingTargets" when context.Request.Method == "POST":
                answer = TargetsAnswer(body);
                break;
            default:
                context.Response.StatusCode = 404;
                return;
        }

        _calls.Add(new XRayProxyCall(path, sentExpect, body));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject RulesPage(string? token)
    {
        List<JsonObject> rules;
        lock (_gate)
        {
            rules = _rules;
        }

        var start = token is null ? 0 : int.Parse(token, CultureInfo.InvariantCulture);
        var records = new JsonArray();
        foreach (var rule in rules.Skip(start).Take(PageSize))
        {
            records.Add(new JsonObject { ["CreatedAt"] = 1.7e9, ["ModifiedAt"] = 1.7e9, ["SamplingRule"] = rule.DeepClone() });
        }

        var answer = new JsonObject { ["SamplingRuleRecords"] = records };
        if (start + PageSize < rules.Count)
        {
            answer["NextToken"] = (start + PageSize).ToString(CultureInfo.InvariantCulture);
        }

        return answer;
    }

    private JsonObject TargetsAnswer(JsonObject body)
    {
        var documents = new JsonArray();
        if (body["SamplingStatisticsDocuments"] is JsonArray statistics)
        {
            foreach (var name in statistics.OfType<JsonObject>().Select(s => s["RuleName"]!.GetValue<string>()))
            {
                if (Targets(name) is { } target)
                {
                    target["RuleName"] = name;
                    documents.Add(target);
                }
            }
        }

        var answer = new JsonObject { ["SamplingTargetDocuments"] = documents, ["UnprocessedStatistics"] = new JsonArray() };
        if (LastRuleModification is { } modified)
        {
            answer["LastRuleModification"] = modified;
        }

        return answer;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
