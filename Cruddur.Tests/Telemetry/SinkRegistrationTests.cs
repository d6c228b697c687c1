using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cruddur.Telemetry;
using Cruddur.Telemetry.CloudWatch;
using Cruddur.Telemetry.Rollbar;
using Cruddur.Telemetry.XRay;
using Cruddur.Tests.Fakes;
using Cruddur.Tests.Telemetry.CloudWatch;
using Cruddur.Tests.Telemetry.Rollbar;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Cruddur.Tests.Telemetry;

/// <summary>
/// Every sink registers the same way: options through DI, an IValidateOptions, and a failed validation turns that sink
/// off and says so once on standard error; building the providers does not throw.
/// </summary>
/// <remarks>Not parallel: building a TracerProvider touches process-wide OpenTelemetry defaults.</remarks>
[Collection(InProcessTelemetryHost.Name)]
public sealed class SinkRegistrationTests
{
    private static string[] Build(Action<IOpenTelemetryBuilder> configure)
    {
        var stderr = new StringWriter();
        var services = new ServiceCollection();
        services.AddSingleton(new SinkDiagnostics(stderr));
        configure(services.AddOpenTelemetry());
        using (var provider = services.BuildServiceProvider())
        {
            _ = provider.GetService<TracerProvider>();
            _ = provider.GetService<LoggerProvider>();
        }

        return stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void XRay_with_a_bad_daemon_address_is_off_and_said_once()
    {
        var line = Assert.Single(Build(o => o.WithTracing(t => t.AddXRayExporter(x => x.DaemonAddress = "not an address"))));
        Assert.Contains("xray: X-Ray export is OFF", line, StringComparison.Ordinal);
        Assert.Contains("'not an address'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudWatch_without_a_region_is_off_and_said_once()
    {
        var line = Assert.Single(Build(o => o.WithLogging(l => l.AddCloudWatchLogsExporter(c => c.LogGroupName = "cruddur"))));
        Assert.Contains("cloudwatch: CloudWatch Logs export is OFF", line, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollbar_with_an_empty_queue_is_off_and_said_once()
    {
        var line = Assert.Single(Build(o => o.WithLogging(l => l.AddRollbarExporter(r =>
        {
            r.AccessToken = RollbarTestSupport.FakeToken;
            r.QueueCapacity = 0;
        }))));
        Assert.Contains("rollbar: Rollbar reporting is OFF", line, StringComparison.Ordinal);
        Assert.DoesNotContain(RollbarTestSupport.FakeToken, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_configuration_every_sink_is_off_silently()
    {
        Assert.Empty(Build(o => o
            .WithTracing(t => t.AddXRayExporter(x => x.DaemonAddress = null))
            .WithLogging(l => l.AddCloudWatchLogsExporter().AddRollbarExporter())));
    }

    [Fact]
    public async Task A_sink_counts_on_the_meter_made_by_the_hosts_IMeterFactory_with_the_drop_reason()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton(new SinkDiagnostics(TextWriter.Null));
        services.AddOpenTelemetry().WithLogging(l => l.AddRollbarExporter(r =>
        {
            r.AccessToken = RollbarTestSupport.FakeToken;
            r.Endpoint = server.Endpoint;
        }));
        await using var provider = services.BuildServiceProvider();
        var meter = provider.GetRequiredService<SinkMeter>().Meter;
        var dropped = new ConcurrentQueue<(long Value, string? Sink, string? Reason)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "cruddur.telemetry.dropped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? sink = null, reason = null;
            foreach (var tag in tags)
            {
                (sink, reason) = tag.Key switch { "sink" => (tag.Value as string, reason), "reason" => (sink, tag.Value as string), _ => (sink, reason) };
            }

            dropped.Enqueue((value, sink, reason));
        });
        listener.Start();

        var notifier = (RollbarNotifier)provider.GetRequiredService<IRollbarNotifier>();
        Assert.True(await notifier.Sender!.ShutdownAsync(TimeSpan.FromSeconds(5)));
        Assert.Null(notifier.Message("after shutdown", RollbarLevel.Error));

        Assert.Equal([(1L, "rollbar", "shutdown")], dropped);
    }
}
