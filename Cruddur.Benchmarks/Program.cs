using BenchmarkDotNet.Running;

namespace Cruddur.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project Cruddur.Benchmarks -- --filter '*'</c> (or <c>--list flat</c>).
/// Layout: <c>Api/</c> for the gateway's own work, <c>Telemetry/</c> for the telemetry path: trace ids
/// (<see cref="Telemetry.TraceIdBenchmarks"/>), span → X-Ray datagram (<see cref="Telemetry.XRaySegmentBenchmarks"/>),
/// log record → CloudWatch event (<see cref="Telemetry.CloudWatchEventBenchmarks"/>), PutLogEvents batch assembly
/// (<see cref="Telemetry.CloudWatchBatchBenchmarks"/>) and the Rollbar exception item (<see cref="Telemetry.RollbarPayloadBenchmarks"/>).
/// Every class carries <c>[MemoryDiagnoser]</c> so the numbers include bytes allocated per operation.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
