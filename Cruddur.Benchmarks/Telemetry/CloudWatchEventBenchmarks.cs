using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Cruddur.Telemetry.CloudWatch;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Benchmarks.Telemetry;

/// <summary>
/// Log record → CloudWatch event (<see cref="LogRecordFormatter.Format(LogRecord)"/>) on real, pooled LogRecords:
/// the OpenTelemetry logger fills a record (scopes and formatted message on, inside an Activity, as in the services)
/// and a processor hands it to the formatter. LogRecords cannot be kept past the processor call, so the formatter's
/// cost is <c>LogAndFormat</c> minus the <c>LogOnly</c> baseline (same logger, a processor that only reads the level).
/// </summary>
[MemoryDiagnoser]
public partial class CloudWatchEventBenchmarks
{
    private const string SourceName = "Cruddur.Benchmarks.CloudWatch";
    private static readonly ActivitySource Source = new(SourceName);
    private ActivityListener? _listener;
    private Activity? _activity;
    private IDisposable? _scope, _baselineScope;
    private ILoggerFactory _formatting = null!, _baseline = null!;
    private ILogger _formattingLogger = null!, _baselineLogger = null!;
    private readonly CallbackProcessor _formatProcessor = new();
    private readonly CallbackProcessor _baselineProcessor = new();

    [GlobalSetup]
    public void Setup()
    {
        var formatter = new LogRecordFormatter("cruddur-silo");
        _formatProcessor.OnRecord = r => formatter.Format(r).Utf8Bytes;
        _baselineProcessor.OnRecord = r => (int)r.LogLevel;
        _formatting = Factory(_formatProcessor);
        _baseline = Factory(_baselineProcessor);
        _formattingLogger = _formatting.CreateLogger("Cruddur.Grains.HomeTimelineGrain");
        _baselineLogger = _baseline.CreateLogger("Cruddur.Grains.HomeTimelineGrain");

        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName, // not Source: the listener runs inside its initialiser
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        _activity = Source.StartActivity("request");
        var scope = new Dictionary<string, object>
        {
            ["RequestPath"] = "/api/activities/home",
            ["ConnectionId"] = "0HN8BENCH0001",
        };
        _scope = _formattingLogger.BeginScope(scope);
        _baselineScope = _baselineLogger.BeginScope(scope);

        if (LogAndFormat() <= 0)
        {
            throw new InvalidOperationException("the formatter produced no event");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineScope?.Dispose();
        _scope?.Dispose();
        _activity?.Dispose();
        _listener?.Dispose();
        _formatting.Dispose();
        _baseline.Dispose();
    }

    [Benchmark(Baseline = true, Description = "log only (baseline)")]
    public int LogOnly()
    {
        LogServed(_baselineLogger, 3, "andrewbrown", "/api/activities/home");
        return _baselineProcessor.Last;
    }

    [Benchmark(Description = "log + format -> CloudWatch event")]
    public int LogAndFormat()
    {
        LogServed(_formattingLogger, 3, "andrewbrown", "/api/activities/home");
        return _formatProcessor.Last;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Served {Count} activities to {Handle} on {Path}")]
    private static partial void LogServed(ILogger logger, int count, string handle, string path);

    private static ILoggerFactory Factory(BaseProcessor<LogRecord> processor) => LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
    {
        o.IncludeFormattedMessage = true;
        o.IncludeScopes = true;
        o.AddProcessor(processor);
    }));

    private sealed class CallbackProcessor : BaseProcessor<LogRecord>
    {
        public Func<LogRecord, int> OnRecord { get; set; } = _ => 0;
        public int Last { get; private set; }

        public override void OnEnd(LogRecord data) => Last = OnRecord(data);
    }
}
