using Cruddur.Tests.Fakes;

namespace Cruddur.Bench.FakeSinks;

/// <summary>
/// Counts the spans of an OTLP ExportTraceServiceRequest or the log records of an ExportLogsServiceRequest without
/// decoding them: both are field 1 (resource) holding field 2 (scope) holding field 2 (item); see
/// https://github.com/open-telemetry/opentelemetry-proto/tree/main/opentelemetry/proto/collector.
/// </summary>
internal static class OtlpItems
{
    public static long Count(ReadOnlySpan<byte> request) => CountAt(request, [1, 2, 2], 0);

    private static long CountAt(ReadOnlySpan<byte> message, int[] path, int depth)
    {
        var reader = new ProtobufReader(message);
        long count = 0;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == path[depth] && wireType == 2)
            {
                var inner = reader.ReadBytes();
                count += depth == path.Length - 1 ? 1 : CountAt(inner, path, depth + 1);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return count;
    }
}
