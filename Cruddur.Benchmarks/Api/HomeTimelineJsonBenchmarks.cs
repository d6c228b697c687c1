using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cruddur.Gateway.Json;
using Cruddur.Grains;
using Cruddur.Grains.Models;

namespace Cruddur.Benchmarks.Api;

/// <summary>The gateway's answer to <c>GET /api/activities/home</c>: the seeded posts through its source-generated JSON context.</summary>
[MemoryDiagnoser]
public class HomeTimelineJsonBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private ImmutableArray<Activity> _home;

    [GlobalSetup]
    public void Setup() => _home = SeedData.Posts(DateTimeOffset.UtcNow);

    [Benchmark]
    public int SerializeHome()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, _home, ApiJsonContext.Default.ImmutableArrayActivity);
        return _buffer.WrittenCount;
    }
}
