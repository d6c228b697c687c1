using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Cruddur.Telemetry.Rollbar;

namespace Cruddur.Benchmarks.Telemetry;

/// <summary>
/// Rollbar item for an exception (an InvalidOperationException wrapping a TimeoutException, both thrown so they
/// carry real stacks) with its HTTP request: <see cref="RollbarPayloadBuilder.Build"/> (trace chain, frames,
/// request block, scrubbing) and the serialisation and size check the sender does (<see cref="RollbarPayloadTrimmer.Fit"/>).
/// </summary>
[MemoryDiagnoser]
public class RollbarPayloadBenchmarks
{
    private RollbarPayloadBuilder _builder = null!;
    private RollbarOccurrence _occurrence = null!;
    private RollbarOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _options = new RollbarOptions { AccessToken = "bench-not-a-real-token", Environment = "bench", ServerHost = "bench-host" };
        _builder = new RollbarPayloadBuilder(_options, "cruddur-gateway", "1.0.0");
        _occurrence = new RollbarOccurrence
        {
            Level = "error",
            Timestamp = new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero),
            Exception = Thrown(),
            Context = "HTTP: GET /api/activities/home",
            Request = new RollbarRequest
            {
                Url = "http://127.0.0.1:4567/api/activities/home?page=2&token=abc",
                Method = "GET",
                Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Host"] = "127.0.0.1:4567",
                    ["User-Agent"] = "wrk/4.2",
                    ["Accept"] = "application/json",
                    ["Authorization"] = "Bearer not-a-real-token",
                    ["traceparent"] = "00-4efaaf4d1e8720b39541901950019ee5-53995c3f42cd8ad8-01",
                },
                QueryString = "?page=2&token=abc",
                UserIp = "127.0.0.1",
            },
            TraceId = ActivityTraceId.CreateFromString("4efaaf4d1e8720b39541901950019ee5"),
            SpanId = ActivitySpanId.CreateFromString("53995c3f42cd8ad8"),
        };
    }

    [Benchmark(Description = "exception item: Build")]
    public int Build() => _builder.Build(_occurrence).Count;

    [Benchmark(Description = "exception item: Build + serialise (Fit)")]
    public int BuildAndSerialize() =>
        RollbarPayloadTrimmer.Fit(_builder.Build(_occurrence), _options.MaxPayloadBytes, out _)?.Length ?? -1;

    private static Exception Thrown()
    {
        try
        {
            try
            {
                throw new TimeoutException("grain call timed out after 00:00:10");
            }
            catch (TimeoutException inner)
            {
                throw new InvalidOperationException("home timeline unavailable", inner);
            }
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}
