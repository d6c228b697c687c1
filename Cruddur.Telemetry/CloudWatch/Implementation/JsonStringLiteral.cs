using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using System.Text.Encodings.Web;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// UTF-8 text → a JSON string literal, quotes included, byte for byte what <see cref="System.Text.Json.Utf8JsonWriter"/>
/// writes for the same text with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> (the encoder decides which
/// scalars are escaped; escapes are <c>\"</c>, <c>\\</c>, <c>\b \t \n \f \r</c> or upper-case <c>\uXXXX</c>, a
/// surrogate pair for a supplementary scalar). Done once per CloudWatch event, so that the PutLogEvents body only
/// copies bytes. Plain ASCII text (a log record's JSON) has its own vectorised path; anything else goes to
/// <see cref="JsonEncodedText.Encode(ReadOnlySpan{byte}, JavaScriptEncoder?)"/>.
/// </summary>
internal static class JsonStringLiteral
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The ASCII the encoder keeps as it is, plus <c>"</c> and <c>\</c>: all that a JSON document written by
    /// Utf8JsonWriter with this encoder (a formatted log record) contains, unless it has non-ASCII text.</summary>
    private static readonly SearchValues<byte> PlainQuoteOrBackslash =
        SearchValues.Create(AsciiWhere(b => !Encoder.WillEncode(b) || b is '"' or '\\'));

    /// <summary>
    /// For each 8-bit mask of "this byte needs a backslash", 16 shuffle indices that spread 8 input bytes (lanes 0-7)
    /// out to 8-16 bytes, taking a backslash from lane 8 before each marked one (unused slots: 0xFF, which gives 0).
    /// </summary>
    private static readonly byte[] ExpandControls = BuildExpandControls();

    /// <summary>Largest scratch buffer a thread keeps for <see cref="Encode"/>'s common case.</summary>
    private const int MaxScratchBytes = 64 * 1024;

    [ThreadStatic] private static byte[]? t_scratch;

    /// <summary>The literal for <paramref name="utf8"/> followed by <paramref name="suffix"/> (both whole UTF-8 sequences).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> suffix = default)
    {
        var worstCase = (2L * (utf8.Length + suffix.Length)) + 2; // when only quotes and backslashes need escaping
        if (worstCase <= MaxScratchBytes && !utf8.ContainsAnyExcept(PlainQuoteOrBackslash) && !suffix.ContainsAnyExcept(PlainQuoteOrBackslash))
        {
            // The common case (a log record's JSON): escaped into the thread's warm scratch buffer, then copied out
            // exactly. Cheaper than measuring first and escaping straight into the new array.
            var scratch = t_scratch;
            if (scratch is null || scratch.Length < worstCase)
            {
                t_scratch = scratch = new byte[Math.Max(4096, (int)BitOperations.RoundUpToPowerOf2((uint)worstCase))];
            }

            scratch[0] = (byte)'"';
            var length = 1 + EscapeQuotesAndBackslashes(utf8, scratch.AsSpan(1));
            length += EscapeQuotesAndBackslashes(suffix, scratch.AsSpan(length));
            scratch[length++] = (byte)'"';
            return scratch.AsSpan(0, length).ToArray();
        }

        // Anything else (control characters, non-ASCII text; rare in log records): System.Text.Json escapes it, with
        // the same encoder, so the result is what Utf8JsonWriter would write.
        var encoded = suffix.IsEmpty ? JsonEncodedText.Encode(utf8, Encoder) : JsonEncodedText.Encode([.. utf8, .. suffix], Encoder);
        var literal = GC.AllocateUninitializedArray<byte>(encoded.EncodedUtf8Bytes.Length + 2);
        literal[0] = (byte)'"';
        encoded.EncodedUtf8Bytes.CopyTo(literal.AsSpan(1));
        literal[^1] = (byte)'"';
        return literal;
    }

    /// <summary>
    /// <paramref name="run"/> (plain ASCII, <c>"</c> and <c>\</c> only) with a backslash before each <c>"</c> and <c>\</c>.
    /// A JSON document has a quote every few bytes, so instead of stopping at each one this takes 8 bytes at a time and
    /// spreads them out with one shuffle whose control (backslash slots included) is looked up by which bytes need one.
    /// <paramref name="destination"/> must hold the result; it may hold more (the vector stores stay within it).
    /// </summary>
    private static int EscapeQuotesAndBackslashes(ReadOnlySpan<byte> run, Span<byte> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(run);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nuint written = 0;
        var i = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            const ulong Backslashes = 0x5C5C_5C5C_5C5C_5C5C;
            ref var expand = ref MemoryMarshal.GetArrayDataReference(ExpandControls);

            // A block of 16 gives at most 32 bytes, and the stores are 16 bytes wide: the last blocks before the end of
            // the destination are left to the loop below.
            for (; i + 16 <= run.Length && (nuint)destination.Length - written >= 32; i += 16)
            {
                var block = Vector128.LoadUnsafe(ref src, (nuint)i);
                var escapes = (Vector128.Equals(block, quote) | Vector128.Equals(block, backslash)).ExtractMostSignificantBits();
                if (escapes == 0)
                {
                    block.StoreUnsafe(ref dst, written);
                    written += 16;
                    continue;
                }

                var low = escapes & 0xFF;
                var half = Vector128.Create(block.AsUInt64().GetElement(0), Backslashes).AsByte();
                Vector128.Shuffle(half, Vector128.LoadUnsafe(ref expand, low * 16)).StoreUnsafe(ref dst, written);
                written += 8 + (nuint)BitOperations.PopCount(low);

                var high = escapes >> 8;
                half = Vector128.Create(block.AsUInt64().GetElement(1), Backslashes).AsByte();
                Vector128.Shuffle(half, Vector128.LoadUnsafe(ref expand, high * 16)).StoreUnsafe(ref dst, written);
                written += 8 + (nuint)BitOperations.PopCount(high);
            }
        }

        for (; i < run.Length; i++)
        {
            var b = run[i];
            if (b is (byte)'"' or (byte)'\\')
            {
                destination[(int)written++] = (byte)'\\';
            }

            destination[(int)written++] = b;
        }

        return (int)written;
    }

    private static byte[] BuildExpandControls()
    {
        var controls = new byte[256 * 16];
        controls.AsSpan().Fill(0xFF);
        for (var mask = 0; mask < 256; mask++)
        {
            var slot = mask * 16;
            for (var lane = 0; lane < 8; lane++)
            {
                if ((mask & (1 << lane)) != 0)
                {
                    controls[slot++] = 8;
                }

                controls[slot++] = (byte)lane;
            }
        }

        return controls;
    }

    private static byte[] AsciiWhere(Func<int, bool> keep) =>
        Enumerable.Range(0, 128).Where(keep).Select(b => (byte)b).ToArray();
}
