namespace Cruddur.Bench.FakeSinks;

/// <summary>
/// Counts the events of a PutLogEvents body as it streams past, without building a JSON document: each event is an
/// object with a <c>"timestamp":</c> member, and that byte sequence cannot occur inside a JSON string (its quotes
/// would be escaped). Matches that straddle two chunks are found by keeping the chunk's last bytes.
/// </summary>
internal sealed class EventCounter
{
    private static ReadOnlySpan<byte> Marker => "\"timestamp\":"u8;

    private readonly byte[] _carry = new byte[16];
    private int _carried;

    public long Count { get; private set; }

    public void Scan(ReadOnlySpan<byte> chunk)
    {
        if (_carried > 0)
        {
            // The seam: the kept tail plus just enough of this chunk to finish a marker that started in the tail.
            Span<byte> seam = stackalloc byte[32];
            _carry.AsSpan(0, _carried).CopyTo(seam);
            var head = Math.Min(chunk.Length, Marker.Length - 1);
            chunk[..head].CopyTo(seam[_carried..]);
            if (seam[..(_carried + head)].IndexOf(Marker) >= 0)
            {
                Count++;
            }
        }

        var rest = chunk;
        int at;
        while ((at = rest.IndexOf(Marker)) >= 0)
        {
            Count++;
            rest = rest[(at + Marker.Length)..];
        }

        // Keep fewer bytes than a whole marker, so a match inside the tail is never counted twice.
        _carried = Math.Min(chunk.Length, Marker.Length - 1);
        chunk[^_carried..].CopyTo(_carry);
    }
}
