using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Cruddur.Telemetry.Text;

/// <summary>
/// The one way a sink writes an attribute, tag or scope value as JSON: numbers, booleans and null as themselves
/// (non-finite floating point as text), dates in System.Text.Json's ISO 8601 form, arrays and other sequences as JSON
/// arrays (OpenTelemetry's array attributes: https://opentelemetry.io/docs/specs/otel/common/#attribute), anything
/// else as its invariant-culture text. Strings longer than <c>maxString</c> are cut surrogate-safe
/// (<see cref="TextTruncation"/>) and end with the sink's marker.
/// </summary>
internal static class TagValueJson
{
    public static void Write(Utf8JsonWriter w, object? value, int maxString = int.MaxValue, string marker = "")
    {
        var longest = 0;
        Write(w, value, maxString, marker, ref longest);
    }

    /// <param name="longest">Raised to the length of the longest string met (a sink that shrinks to fit bisects on it).</param>
    public static void Write(Utf8JsonWriter w, object? value, int maxString, string marker, ref int longest)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: WriteString(w, s, maxString, marker, ref longest); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case short s16: w.WriteNumberValue(s16); break;
            case byte u8: w.WriteNumberValue(u8); break;
            case uint u32: w.WriteNumberValue(u32); break;
            case ulong u64: w.WriteNumberValue(u64); break;
            case decimal m: w.WriteNumberValue(m); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case DateTimeOffset dto: w.WriteStringValue(dto); break;
            case DateTime dt: w.WriteStringValue(dt); break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items)
                {
                    Write(w, item, maxString, marker, ref longest);
                }

                w.WriteEndArray();
                break;
            default:
                WriteString(w, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, maxString, marker, ref longest);
                break;
        }
    }

    /// <summary>The property <paramref name="name"/> with <paramref name="value"/>, as <see cref="Write(Utf8JsonWriter, object?, int, string)"/> writes it.</summary>
    public static void WriteProperty(Utf8JsonWriter w, string name, object? value, int maxString, string marker, ref int longest)
    {
        w.WritePropertyName(name);
        Write(w, value, maxString, marker, ref longest);
    }

    private static void WriteString(Utf8JsonWriter w, string s, int maxString, string marker, ref int longest)
    {
        longest = Math.Max(longest, s.Length);
        if (s.Length <= maxString)
        {
            w.WriteStringValue(s);
        }
        else if (marker.Length == 0)
        {
            w.WriteStringValue(TextTruncation.Truncate(s.AsSpan(), maxString));
        }
        else
        {
            w.WriteStringValue(TextTruncation.Truncate(s, maxString, maxString, marker));
        }
    }
}
