using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cruddur.Gateway.Json;

/// <summary>Times as the original frontend reads them: <c>2026-11-28T14:00:00.000+00:00</c>.</summary>
public sealed class IsoDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        // Written raw: the formatted value holds only digits, '-', ':', '.', 'T' and '+', which need no
        // escaping, and the default encoder would otherwise turn '+' into \u002B.
        Span<byte> buffer = stackalloc byte[40];
        buffer[0] = (byte)'"';
        value.TryFormat(buffer[1..], out var written, Format, CultureInfo.InvariantCulture);
        buffer[written + 1] = (byte)'"';
        writer.WriteRawValue(buffer[..(written + 2)], skipInputValidation: true);
    }
}
