using BenchmarkDotNet.Running;

namespace Cruddur.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project Cruddur.Benchmarks -- --filter '*'</c> (or <c>--list flat</c>).
/// Layout: <c>Api/</c> for the gateway's own work, <c>Telemetry/</c> for the telemetry path. The exporters' hot
/// paths go next to <see cref="Telemetry.TraceIdBenchmarks"/> once the sink branches are merged:
/// <c>Telemetry/XRaySegmentBenchmarks.cs</c> (span → X-Ray document), <c>Telemetry/CloudWatchEventBenchmarks.cs</c>
/// (log record → CloudWatch event), <c>Telemetry/BatchAssemblyBenchmarks.cs</c> (PutLogEvents / OTLP batch).
/// Every class carries <c>[MemoryDiagnoser]</c> so the numbers include bytes allocated per operation.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
