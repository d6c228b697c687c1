using Cruddur.Telemetry.CloudWatch;
using Cruddur.Telemetry.Delivery;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>The exporter wired the way a host wires it, but synchronous (Simple processor) so that an ILogger call
/// runs Export inline and its duration is what the test measures.</summary>
internal sealed class CloudWatchTestSink : IDisposable
{
    public static readonly AwsCredentials ExampleCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    public CloudWatchTestSink(Uri endpoint, Action<CloudWatchLogsExporterOptions>? configure = null)
    {
        Options = new CloudWatchLogsExporterOptions
        {
            LogGroupName = "cruddur",
            LogStreamName = "test/" + Guid.NewGuid().ToString("n"),
            Region = "us-east-1",
            Endpoint = endpoint,
            ServiceName = "cruddur-test",
            Credentials = _ => ValueTask.FromResult(ExampleCredentials),
            Backoff = new RetryBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20), () => 0), // no waiting unless a test says so
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(Options);
        Exporter = new CloudWatchLogsExporter(Options);
        Factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            o.AddProcessor(new SimpleLogRecordExportProcessor(Exporter));
        }));
        Logger = Factory.CreateLogger("Cruddur.Tests.CloudWatch");
    }

    public CloudWatchLogsExporterOptions Options { get; }
    public CloudWatchLogsExporter Exporter { get; }
    public ILoggerFactory Factory { get; }
    public ILogger Logger { get; }
    internal SinkSender<CloudWatchLogEvent, IReadOnlyList<CloudWatchLogEvent>> Sender => Exporter.Sender;

    public Task<bool> FlushAsync(TimeSpan timeout) => Sender.FlushAsync(timeout);

    public void Dispose()
    {
        Exporter.Shutdown(1000);
        Factory.Dispose();
    }
}
