using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Cruddur.Telemetry;

namespace Cruddur.Benchmarks.Telemetry;

/// <summary>W3C → X-Ray trace id, done for every span the X-Ray exporter sends and every log line that carries it.</summary>
[MemoryDiagnoser]
public class TraceIdBenchmarks
{
    private ActivityTraceId _traceId;
    private string _xray = "";

    [GlobalSetup]
    public void Setup()
    {
        _traceId = ActivityTraceId.CreateRandom();
        _xray = TraceIds.ToXRay(_traceId);
    }

    [Benchmark]
    public string ToXRay() => TraceIds.ToXRay(_traceId);

    [Benchmark]
    public bool TryFromXRay() => TraceIds.TryFromXRay(_xray, out _);
}
