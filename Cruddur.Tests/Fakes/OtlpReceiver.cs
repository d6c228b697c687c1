using Cruddur.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cruddur.Tests.Fakes;

/// <summary>
/// An OTLP/HTTP receiver the tests own, on 127.0.0.1: it accepts <c>/v1/traces</c> (decoded with the tests' own
/// protobuf reader), <c>/v1/logs</c> and <c>/v1/metrics</c>, and records what came with which headers.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Observed<ReceivedSpan> _spans = new();
    private readonly Observed<IReadOnlyDictionary<string, string>> _traceRequestHeaders = new();
    private readonly Observed<IReadOnlyDictionary<string, string>> _metricRequestHeaders = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<ReceivedSpan> Spans => _spans.Snapshot();

    public IReadOnlyList<IReadOnlyDictionary<string, string>> TraceRequestHeaders => _traceRequestHeaders.Snapshot();

    /// <summary>Every <c>/v1/traces</c> and <c>/v1/logs</c> request body as it came (protobuf; strings are UTF-8 in it).</summary>
    public IReadOnlyList<byte[]> RawBodies => [.. _traceBodies.Snapshot(), .. _logBodies.Snapshot()];

    /// <summary>The <c>/v1/logs</c> request bodies received so far.</summary>
    public IReadOnlyList<byte[]> LogBodies => _logBodies.Snapshot();

    private readonly Observed<byte[]> _traceBodies = new();
    private readonly Observed<byte[]> _logBodies = new();

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        return body.ToArray();
    }

    /// <summary>The headers of every <c>/v1/metrics</c> request (the body is not decoded).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> MetricRequestHeaders => _metricRequestHeaders.Snapshot();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);

        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            receiver._traceBodies.Add(body);
            var spans = OtlpTraceDecoder.Decode(body);
            var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            receiver.Add(spans, headers);
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            receiver._logBodies.Add(await ReadAsync(request));
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", (HttpRequest request) =>
        {
            receiver._metricRequestHeaders.Add(request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
            return Results.Bytes([], "application/x-protobuf");
        });

        await app.StartAsync();
        receiver.Endpoint = app.Urls.Single().TrimEnd('/');
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the spans received so far.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForAsync(Func<IReadOnlyList<ReceivedSpan>, bool> condition, TimeSpan timeout) =>
        _spans.WaitForAsync(condition, timeout, seen =>
            $"OTLP receiver: condition not met within {timeout}. Received:{Environment.NewLine}{string.Join(Environment.NewLine, seen)}");

    /// <summary>Waits until the headers of the <c>/v1/metrics</c> requests so far satisfy <paramref name="condition"/>.</summary>
    public Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> WaitForMetricsAsync(
        Func<IReadOnlyList<IReadOnlyDictionary<string, string>>, bool> condition, TimeSpan timeout) =>
        _metricRequestHeaders.WaitForAsync(condition, timeout, seen =>
            $"OTLP receiver: /v1/metrics condition not met within {timeout}; {seen.Count} request(s) came, datasets: " +
            string.Join(", ", seen.Select(h => h.GetValueOrDefault("x-honeycomb-dataset", "(none)")).Distinct()));

    private void Add(List<ReceivedSpan> spans, Dictionary<string, string> headers)
    {
        _traceRequestHeaders.Add(headers);
        _spans.AddRange(spans);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
