using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cruddur.Telemetry;
using Cruddur.Telemetry.XRay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>
/// Runs alone: its in-process host has HttpClient instrumentation, and with OpenTelemetry's default (composite)
/// propagator that instrumentation rewrites the traceparent of every HttpClient call in this test process —
/// including the requests the process tests send to their gateways.
/// </summary>
[CollectionDefinition(nameof(InProcessHttpInstrumentation), DisableParallelization = true)]
public sealed class InProcessHttpInstrumentation;

/// <summary><c>X-Amzn-Trace-Id</c> in (as parent), out (response), and onwards (HttpClient).</summary>
[Collection(nameof(InProcessHttpInstrumentation))]
public class XRayTraceHeaderTests
{
    private const string Root = "1-5759e988-bd862e3fe1be46a994272793";
    private const string Parent = "53995c3f42cd8ad8";
    private const string OwnPingPath = "/xray-test/ping";
    private const string OwnCallPath = "/xray-test/call-downstream";

    [Fact]
    public void Header_parses_in_any_order_and_ignores_unknown_keys()
    {
        Assert.True(XRayTraceHeader.TryParse($"Self=1-67891234-12456789abcdef012345678;Sampled=1; Parent={Parent.ToUpperInvariant()} ;Root={Root}", out var header));
        Assert.Equal("5759e988bd862e3fe1be46a994272793", header.Value.TraceId.ToHexString());
        Assert.Equal(Parent, header.Value.ParentId.ToHexString());
        Assert.True(header.Value.Sampled);

        Assert.True(XRayTraceHeader.TryParse($"Root={Root};Parent={Parent};Sampled=?", out var deferred));
        Assert.Null(deferred.Value.Sampled);

        Assert.False(XRayTraceHeader.TryParse($"Root={Root}", out _)); // ALB: no parent to attach to
        Assert.False(XRayTraceHeader.TryParse($"Root=1-5759e988-bd862e3fe1be46a99427279;Parent={Parent}", out _));
        Assert.False(XRayTraceHeader.TryParse($"Root=2-5759e988-bd862e3fe1be46a994272793;Parent={Parent}", out _));
        Assert.False(XRayTraceHeader.TryParse($"Root={Root};Parent=53995c3f42cd8ad", out _));
        Assert.False(XRayTraceHeader.TryParse($"Root={Root};Parent=0000000000000000", out _));
        Assert.False(XRayTraceHeader.TryParse($"Root=1-00000000-000000000000000000000000;Parent={Parent}", out _));
        Assert.False(XRayTraceHeader.TryParse("garbage", out _));
    }

    [Fact]
    public void Propagator_extracts_the_header_only_when_there_is_no_traceparent_and_injects_it()
    {
        var propagator = XRayPropagator.CreateDefault();
        static IEnumerable<string>? Get(Dictionary<string, string> c, string k) => c.TryGetValue(k, out var v) ? [v] : null;

        var xrayOnly = propagator.Extract(default, new Dictionary<string, string> { [TraceHeaders.AmazonTraceId] = $"Root={Root};Parent={Parent};Sampled=0" }, Get);
        Assert.Equal("5759e988bd862e3fe1be46a994272793", xrayOnly.ActivityContext.TraceId.ToHexString());
        Assert.Equal(Parent, xrayOnly.ActivityContext.SpanId.ToHexString());
        Assert.True(xrayOnly.ActivityContext.IsRemote);
        Assert.Equal(ActivityTraceFlags.None, xrayOnly.ActivityContext.TraceFlags);

        var deferred = propagator.Extract(default, new Dictionary<string, string> { [TraceHeaders.AmazonTraceId] = $"Root={Root};Parent={Parent};Sampled=?" }, Get);
        Assert.Equal(XRaySampler.DeferredTraceState, deferred.ActivityContext.TraceState); // the sampler decides by its rules

        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var both = propagator.Extract(default, new Dictionary<string, string>
        {
            ["traceparent"] = traceparent,
            [TraceHeaders.AmazonTraceId] = $"Root={Root};Parent={Parent};Sampled=1",
        }, Get);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", both.ActivityContext.TraceId.ToHexString());

        var carrier = new Dictionary<string, string>();
        var context = new ActivityContext(ActivityTraceId.CreateFromString("5759e988bd862e3fe1be46a994272793"), ActivitySpanId.CreateFromString(Parent), ActivityTraceFlags.Recorded);
        propagator.Inject(new PropagationContext(context, default), carrier, (c, k, v) => c[k] = v);
        Assert.Equal($"Root={Root};Parent={Parent};Sampled=1", carrier[TraceHeaders.AmazonTraceId]);
        Assert.Equal($"00-5759e988bd862e3fe1be46a994272793-{Parent}-01", carrier["traceparent"]);
    }

    [Fact]
    public void Runtime_propagator_falls_back_to_the_header_and_injects_it_only_into_http_requests()
    {
        var propagator = new XRayDistributedContextPropagator(DistributedContextPropagator.CreateW3CPropagator());
        static DistributedContextPropagator.PropagatorGetterCallback From(Dictionary<string, string> headers) =>
            (object? _, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                value = headers.TryGetValue(name, out var v) ? v : null;
            };

        propagator.ExtractTraceIdAndState(null, From(new() { [TraceHeaders.AmazonTraceId] = $"Root={Root};Parent={Parent};Sampled=1" }), out var traceId, out var traceState);
        Assert.Equal($"00-5759e988bd862e3fe1be46a994272793-{Parent}-01", traceId);
        Assert.Null(traceState);

        propagator.ExtractTraceIdAndState(null, From(new() { [TraceHeaders.AmazonTraceId] = $"Root={Root};Parent={Parent}" }), out traceId, out traceState);
        Assert.EndsWith("-01", traceId);
        Assert.Equal(XRaySampler.DeferredTraceState, traceState);

        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        propagator.ExtractTraceIdAndState(null, From(new() { ["traceparent"] = traceparent, [TraceHeaders.AmazonTraceId] = $"Root={Root};Parent={Parent};Sampled=1" }), out traceId, out _);
        Assert.Equal(traceparent, traceId);

        propagator.ExtractTraceIdAndState(null, From(new() { [TraceHeaders.AmazonTraceId] = "Root=nonsense" }), out traceId, out _);
        Assert.Null(traceId);

        using var activity = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).SetParentId(
            ActivityTraceId.CreateFromString("5759e988bd862e3fe1be46a994272793"), ActivitySpanId.CreateFromString(Parent), ActivityTraceFlags.Recorded).Start();
        using var request = new HttpRequestMessage();
        var written = new Dictionary<string, string>();
        propagator.Inject(activity, request, (_, name, value) => written[name] = value);
        Assert.Equal($"Root={Root};Parent={activity.SpanId};Sampled=1", written[TraceHeaders.AmazonTraceId]);
        Assert.StartsWith("00-5759e988bd862e3fe1be46a994272793-", written["traceparent"]);

        var grainCall = new Dictionary<string, string>();
        propagator.Inject(activity, new object(), (_, name, value) => grainCall[name] = value);
        Assert.False(grainCall.ContainsKey(TraceHeaders.AmazonTraceId));
        Assert.True(grainCall.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task Incoming_header_becomes_parent_response_carries_root_and_outgoing_calls_carry_it()
    {
        await using var downstream = new HeaderRecordingServer();
        await using var app = await GatewayLikeApp.StartAsync(downstream.Url);

        using var request = new HttpRequestMessage(HttpMethod.Get, OwnCallPath);
        request.Headers.Add(TraceHeaders.AmazonTraceId, $"Root={Root};Parent={Parent};Sampled=1");
        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Root={Root}", Assert.Single(response.Headers.GetValues(TraceHeaders.AmazonTraceId)));

        var server = await app.ServerSpan;
        Assert.Equal("5759e988bd862e3fe1be46a994272793", server.TraceId.ToHexString());
        Assert.Equal(Parent, server.ParentSpanId.ToHexString());
        Assert.True(server.Recorded);

        var sent = await downstream.Headers;
        Assert.True(XRayTraceHeader.TryParse(sent[TraceHeaders.AmazonTraceId.ToLowerInvariant()], out var onwards));
        Assert.Equal(server.TraceId, onwards.Value.TraceId);
        Assert.NotEqual(server.SpanId, onwards.Value.ParentId); // the HttpClient span is the parent downstream
        Assert.True(onwards.Value.Sampled);
        Assert.Contains(server.TraceId.ToHexString(), sent["traceparent"]);
        await app.DisposeAsync(); // flushes: every span has ended
        Assert.Single(app.Processor.Ended, a => a.Recorded && ServerSpanProcessor.IsOurs(a)); // no stray segment with another trace
        Assert.Single(app.Processor.Ended, a => a.Recorded && a.Kind == ActivityKind.Client && a.TraceId == server.TraceId && a.ParentSpanId == server.SpanId);
    }

    [Fact]
    public async Task Without_any_header_the_response_carries_a_new_xray_compatible_root()
    {
        await using var app = await GatewayLikeApp.StartAsync(downstream: null);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await app.Client.GetAsync(OwnPingPath);

        var header = Assert.Single(response.Headers.GetValues(TraceHeaders.AmazonTraceId));
        var server = await app.ServerSpan;
        Assert.Equal("Root=" + TraceIds.ToXRay(server.TraceId), header);
        var seconds = Convert.ToInt64(header[7..15], 16);
        Assert.InRange(seconds, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    /// <summary>A minimal host wired the way the gateway is: AddCruddurTelemetry + UseXRayTraceHeader, on a TestServer.</summary>
    private sealed class GatewayLikeApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource<Activity> _serverSpan = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private GatewayLikeApp(WebApplication app, TaskCompletionSource<Activity> serverSpan, ServerSpanProcessor processor)
        {
            Processor = processor;
            _app = app;
            _serverSpan = serverSpan;
            Client = app.GetTestClient();
        }

        public HttpClient Client { get; }

        public ServerSpanProcessor Processor { get; }

        public Task<Activity> ServerSpan => _serverSpan.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public static async Task<GatewayLikeApp> StartAsync(Uri? downstream)
        {
            var serverSpan = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseTestServer();
            builder.AddCruddurTelemetry(defaultServiceName: "cruddur-gateway");
            var processor = new ServerSpanProcessor(serverSpan);
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(processor));
            var app = builder.Build();
            app.UseXRayTraceHeader();
            app.MapGet(OwnPingPath, () => "pong");
            app.MapGet(OwnCallPath, async () =>
            {
                using var http = new HttpClient();
                return (await http.GetAsync(downstream)).StatusCode.ToString();
            });
            await app.StartAsync();
            return new GatewayLikeApp(app, serverSpan, processor);
        }

        private bool _disposed;

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// Catches this app's server span. Activity listeners are process-wide, so spans of other tests' hosts arrive
    /// here too: only the paths this app serves count.
    /// </summary>
    private sealed class ServerSpanProcessor(TaskCompletionSource<Activity> serverSpan) : BaseProcessor<Activity>
    {
        public static bool IsOurs(Activity a) => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") is OwnPingPath or OwnCallPath;

        public ConcurrentQueue<Activity> Ended { get; } = new();

        public override void OnEnd(Activity data)
        {
            Ended.Enqueue(data);
            if (IsOurs(data) && data.Recorded)
            {
                serverSpan.TrySetResult(data);
            }
        }
    }

    /// <summary>A one-request HTTP server on 127.0.0.1 that records the request headers (lower-cased names).</summary>
    private sealed class HeaderRecordingServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task<Dictionary<string, string>> _headers;

        public HeaderRecordingServer()
        {
            _listener.Start();
            _headers = ServeOnceAsync();
        }

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/downstream");

        public Task<Dictionary<string, string>> Headers => _headers.WaitAsync(TimeSpan.FromSeconds(10));

        private async Task<Dictionary<string, string>> ServeOnceAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            return received.ToString()
                .Split("\r\n").Skip(1).TakeWhile(l => l.Length > 0)
                .Select(l => l.Split(':', 2))
                .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _headers;
            }
            catch (Exception)
            {
                // the test may not have called
            }
        }
    }
}
