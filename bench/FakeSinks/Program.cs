using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cruddur.Bench.FakeSinks;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Fake sinks for bench/run, all in one process on 127.0.0.1:
//   --otlp PORT        OTLP http/protobuf: POST /v1/traces|/v1/logs|/v1/metrics -> 200 empty (metrics decoded for
//                      the cruddur.telemetry.* counters)
//   --cloudwatch PORT  CloudWatch Logs JSON 1.1: POST / with X-Amz-Target -> {} (PutLogEvents events counted)
//   --rollbar PORT     Rollbar: POST .../item/ -> {"err":0,"result":{"uuid":...}}
//   --xray PORT        UDP: X-Ray daemon datagrams, counted and discarded
//   --control PORT     GET /stats (JSON counters), always healthy
//   --metric-prefix P  which exported metrics to keep in /stats (default cruddur.telemetry.)
//   --sick SINK:MODE   SINK = otlp|cloudwatch|rollbar|xray; MODE = refuse (port not bound) | hang (accept, never
//                      answer) | 500 | throttle (CloudWatch: 400 ThrottlingException; Rollbar/OTLP: 429)
var ports = new Dictionary<string, int>();
var sick = new Dictionary<string, string>();
var metricPrefix = "cruddur.telemetry.";
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var (name, value) = (args[i].TrimStart('-'), args[i + 1]);
    if (name == "metric-prefix")
    {
        metricPrefix = value;
    }
    else if (name == "sick")
    {
        var parts = value.Split(':', 2);
        sick[parts[0]] = parts[1] == "429" ? "throttle" : parts[1];
    }
    else
    {
        ports[name] = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}

string Mode(string sink) => sick.GetValueOrDefault(sink, "ok");
var stats = new Stats();
var byPort = new Dictionary<int, string>();

var builder = WebApplication.CreateSlimBuilder(args: []);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
    kestrel.Limits.MinRequestBodyDataRate = null;
    foreach (var (sink, port) in ports)
    {
        if (sink == "xray" || Mode(sink) == "refuse")
        {
            continue; // refuse: nobody listens, so connecting fails with ECONNREFUSED
        }

        byPort[port] = sink;
        kestrel.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http1AndHttp2);
    }
});

var app = builder.Build();
var stopping = app.Lifetime.ApplicationStopping;

app.Run(async context =>
{
    var sink = byPort.GetValueOrDefault(context.Connection.LocalPort, "?");
    if (sink == "control")
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(stats.ToJson(Mode));
        return;
    }

    // Read the whole body (the client's cost is the same whatever we answer). Keep it only where it is decoded
    // (OTLP: metrics decoded, spans and log records counted); everything else is drained through a pooled buffer, and CloudWatch's events are counted on the
    // way through, to keep the fake cheap on a machine it shares with the service under test.
    var path = context.Request.Path.Value ?? "";
    var keep = sink == "otlp";
    var events = sink == "cloudwatch" ? new EventCounter() : null;
    using var body = new MemoryStream();
    long length = 0;
    if (keep)
    {
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        length = body.Length;
    }
    else
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                length += read;
                events?.Scan(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    stats.Add($"{sink}.requests");
    stats.Add($"{sink}.bytes", length);

    var mode = Mode(sink);
    if (mode == "hang")
    {
        stats.Add($"{sink}.hung");
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try { await Task.Delay(Timeout.Infinite, both.Token); } catch (OperationCanceledException) { }
        return;
    }

    switch (sink)
    {
        case "otlp":
            await Otlp(context, body, mode);
            break;
        case "cloudwatch":
            await CloudWatch(context, events!, mode);
            break;
        case "rollbar":
            await Rollbar(context, body, mode);
            break;
        default:
            context.Response.StatusCode = 404;
            break;
    }
});

async Task Otlp(HttpContext context, MemoryStream body, string mode)
{
    var path = context.Request.Path.Value ?? "";
    var signal = path.EndsWith("/v1/traces", StringComparison.Ordinal) ? "traces"
        : path.EndsWith("/v1/logs", StringComparison.Ordinal) ? "logs"
        : path.EndsWith("/v1/metrics", StringComparison.Ordinal) ? "metrics" : "other";
    stats.Add($"otlp.{signal}");
    if (mode == "500") { context.Response.StatusCode = 500; return; }
    if (mode == "throttle") { context.Response.StatusCode = 429; context.Response.Headers.RetryAfter = "1"; return; }
    if (signal is "traces" or "logs")
    {
        // Honeycomb bills one event per span and per log record: ResourceSpans(1) > ScopeSpans(2) > Span(2), and
        // the same shape for logs.
        stats.Add($"otlp.{signal}_items", OtlpItems.Count(body.GetBuffer().AsSpan(0, (int)body.Length)));
    }

    if (signal == "metrics")
    {
        try
        {
            foreach (var point in OtlpMetricsDecoder.Decode(body.GetBuffer().AsSpan(0, (int)body.Length), metricPrefix))
            {
                stats.Record(point);
            }
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            stats.Add("otlp.undecodable_metrics");
        }
    }

    context.Response.ContentType = "application/x-protobuf";
    await context.Response.Body.FlushAsync();
}

async Task CloudWatch(HttpContext context, EventCounter events, string mode)
{
    var target = context.Request.Headers["X-Amz-Target"].ToString();
    var operation = target[(target.LastIndexOf('.') + 1)..];
    stats.Add($"cloudwatch.{(operation.Length == 0 ? "no_target" : operation)}");
    context.Response.ContentType = "application/x-amz-json-1.1";
    if (mode == "500")
    {
        context.Response.StatusCode = 500;
        await context.Response.WriteAsync("""{"__type":"ServiceUnavailableException","message":"fake sink: 500"}""");
        return;
    }

    if (mode == "throttle")
    {
        // What CloudWatch Logs really answers when throttling: 400 with __type ThrottlingException.
        context.Response.StatusCode = 400;
        context.Response.Headers["x-amzn-ErrorType"] = "ThrottlingException";
        await context.Response.WriteAsync("""{"__type":"ThrottlingException","message":"Rate exceeded"}""");
        return;
    }

    if (operation == "PutLogEvents")
    {
        stats.Add("cloudwatch.events", events.Count);
    }

    await context.Response.WriteAsync(operation == "DescribeLogStreams" ? """{"logStreams":[]}""" : "{}");
}

async Task Rollbar(HttpContext context, MemoryStream body, string mode)
{
    context.Response.ContentType = "application/json";
    if (mode == "500")
    {
        context.Response.StatusCode = 500;
        await context.Response.WriteAsync("""{"err":1,"message":"fake sink: 500"}""");
        return;
    }

    if (mode == "throttle")
    {
        context.Response.StatusCode = 429;
        context.Response.Headers["X-Rate-Limit-Limit"] = "5000";
        context.Response.Headers["X-Rate-Limit-Remaining"] = "0";
        context.Response.Headers["X-Rate-Limit-Remaining-Seconds"] = "1";
        context.Response.Headers["X-Rate-Limit-Reset"] = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsync("""{"err":1,"message":"rate limit reached"}""");
        return;
    }

    stats.Add("rollbar.items");
    await context.Response.WriteAsync("{\"err\":0,\"result\":{\"id\":null,\"uuid\":\"" + Guid.NewGuid().ToString("D") + "\"}}");
}

// X-Ray: a UDP socket that counts and discards datagrams (unless refusing: then the port stays closed).
UdpDrain? udp = null;
if (ports.TryGetValue("xray", out var xrayPort) && Mode("xray") != "refuse")
{
    udp = new UdpDrain(xrayPort);
    stats.Udp = udp;
}

await app.StartAsync();
Console.WriteLine($"fake sinks up: {string.Join(", ", ports.Select(p => $"{p.Key}={p.Value}:{Mode(p.Key)}"))}");
await app.WaitForShutdownAsync();
udp?.Dispose();

/// <summary>Counters by name, and the latest value of each sink metric the services exported.</summary>
internal sealed class Stats
{
    private readonly ConcurrentDictionary<string, long> _counters = new();
    private readonly ConcurrentDictionary<(string Service, string Metric, string Sink, string Reason), double> _metrics = new();

    /// <summary>The X-Ray receiver, whose counters live on its own thread.</summary>
    public UdpDrain? Udp { get; set; }

    public void Add(string name, long count = 1) => _counters.AddOrUpdate(name, count, (_, v) => v + count);

    public void Record(SinkMetricPoint point)
    {
        var key = (point.Service, point.Metric, point.Sink, point.Reason);
        if (point.Cumulative) _metrics[key] = point.Value;
        else _metrics.AddOrUpdate(key, point.Value, (_, v) => v + point.Value);
    }

    public string ToJson(Func<string, string> mode)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("modes");
            foreach (var sink in new[] { "otlp", "cloudwatch", "rollbar", "xray" }) json.WriteString(sink, mode(sink));
            json.WriteEndObject();
            json.WriteStartObject("counters");
            var counters = new SortedDictionary<string, long>(_counters, StringComparer.Ordinal);
            if (Udp is { Datagrams: > 0 } udp)
            {
                counters["xray.datagrams"] = udp.Datagrams;
                counters["xray.bytes"] = udp.Bytes;
                counters["xray.traces"] = udp.Traces;
            }

            if (Udp is { Errors: > 0 } failing)
            {
                counters["xray.socket_errors"] = failing.Errors;
            }

            foreach (var (name, value) in counters) json.WriteNumber(name, value);
            json.WriteEndObject();
            json.WriteStartArray("sinkMetrics");
            foreach (var (key, value) in _metrics.OrderBy(m => m.Key.ToString(), StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("service", key.Service);
                json.WriteString("metric", key.Metric);
                json.WriteString("sink", key.Sink);
                json.WriteString("reason", key.Reason);
                json.WriteNumber("value", value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
