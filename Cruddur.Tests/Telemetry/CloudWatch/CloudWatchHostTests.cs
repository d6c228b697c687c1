using System.Diagnostics;
using System.Text.Json;
using Cruddur.Gateway.Hosting;
using Cruddur.Telemetry;
using Cruddur.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>
/// The sink as a host wires it — <c>AddCruddurTelemetry()</c> and the gateway's access log, on Kestrel at 127.0.0.1 —
/// against a fake CloudWatch endpoint: the access line with its trace id, no spans or log lines about the sink's
/// own calls, and requests that don't slow down when CloudWatch never answers.
/// </summary>
/// <remarks>
/// Runs alone (after the parallel tests): the in-process host's HttpClient instrumentation listens to every
/// HttpClient in the test process and would re-parent other tests' requests into traces of its own.
/// </remarks>
[Collection(InProcessTelemetryHost.Name)]
public sealed class CloudWatchHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeCloudWatchLogs _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeCloudWatchLogs.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(bool cloudWatch, List<Activity>? spans = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var settings = new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = "cruddur-gateway" };
        if (cloudWatch)
        {
            settings["CLOUDWATCH_LOG_GROUP"] = "cruddur";
            settings["AWS_REGION"] = "us-east-1";
            settings["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = _fake.Endpoint.ToString();
            settings["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
            settings["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCruddurTelemetry(defaultServiceName: "cruddur-gateway");
        if (spans is not null)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        }

        var app = builder.Build();
        app.UseAccessLog();
        app.MapGet("/api/health-check", () => Results.Json(new { success = true, ver = 1 }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    [Fact]
    public async Task Access_line_arrives_with_the_request_trace_id_and_the_sink_never_traces_or_logs_itself()
    {
        var spans = new List<Activity>();
        var (app, http) = await StartAsync(cloudWatch: true, spans);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (http)
        {
            // The app's HttpClient instrumentation lives in this process too, so the caller's trace is set as the
            // ambient parent (its client span then sends a traceparent of this trace).
            using var caller = new Activity("caller").SetParentId(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
            using var response = await http.GetAsync("/api/health-check?probe=1&access_token=canary-in-query");
            Assert.Equal(200, (int)response.StatusCode);
        }

        // Let the sink make at least one call while the app (and its tracer) is fully running.
        while (await _fake.NextRequestAsync(TimeSpan.FromSeconds(15)) is { } put && put.Operation != "PutLogEvents")
        {
        }

        await app.StopAsync();
        await app.DisposeAsync(); // providers flush here, as on SIGTERM

        var events = _fake.LogMessages.Select(m => JsonDocument.Parse(m).RootElement).ToList();
        var access = Assert.Single(events, e => e.GetProperty("category").GetString() == typeof(AccessLogMiddleware).FullName);
        Assert.Equal(traceId, access.GetProperty("trace_id").GetString());
        // Query secrets are masked before the line reaches any sink.
        Assert.Equal("/api/health-check?probe=1&access_token=***", access.GetProperty("state").GetProperty("PathAndQuery").GetString());
        Assert.DoesNotContain(_fake.StoredMessages, m => m.Contains("canary-in-query", StringComparison.Ordinal));
        Assert.Equal(200, access.GetProperty("state").GetProperty("StatusCode").GetInt32());
        Assert.Contains(_fake.Requests, r => r.Operation == "PutLogEvents");

        // The sink's own HTTP calls: no client span, and no System.Net.Http log lines fed back into the sink.
        var port = _fake.Endpoint.Port;
        Assert.DoesNotContain(spans, s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("server.port"), port));
        Assert.DoesNotContain(events, e => e.GetProperty("category").GetString()!.StartsWith("System.Net.Http", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.TraceId.ToHexString() == traceId);
    }

    [Fact]
    public async Task Requests_do_not_slow_down_when_cloudwatch_never_answers_and_the_host_still_stops_in_time()
    {
        var baseline = await MeasureAsync(cloudWatch: false);
        _fake.Respond = _ => FakeCloudWatchLogs.Reply.Hang;
        var hanging = await MeasureAsync(cloudWatch: true);

        output.WriteLine($"health-check p50/p95/max ms — no sink: {baseline.P50:F2}/{baseline.P95:F2}/{baseline.Max:F2}; CloudWatch silent: {hanging.P50:F2}/{hanging.P95:F2}/{hanging.Max:F2}; stop {hanging.Stop.TotalMilliseconds:F0} ms");
        Assert.Equal(0, hanging.Failures);
        Assert.NotEmpty(_fake.Requests); // the sink really was stuck on the silent endpoint
        Assert.True(hanging.P95 <= (baseline.P95 * 3) + 5, $"p95 {hanging.P95} ms vs {baseline.P95} ms without the sink");
        Assert.True(hanging.Stop < TimeSpan.FromSeconds(10), $"host stop took {hanging.Stop}"); // 5 s flush deadline + slack
    }

    private async Task<(double P50, double P95, double Max, int Failures, TimeSpan Stop)> MeasureAsync(bool cloudWatch)
    {
        var (app, http) = await StartAsync(cloudWatch);
        var times = new List<double>();
        var failures = 0;
        using (http)
        {
            for (var i = 0; i < 300; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/api/health-check?i={i}");
                if (i >= 20) // after warm-up
                {
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                failures += response.IsSuccessStatusCode ? 0 : 1;
            }
        }

        var stop = Stopwatch.StartNew();
        await app.StopAsync();
        await app.DisposeAsync();
        stop.Stop();
        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.95)], times[^1], failures, stop.Elapsed);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InProcessTelemetryHost
{
    public const string Name = "In-process telemetry host (not parallel)";
}
