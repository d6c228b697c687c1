using System.Globalization;

namespace Cruddur.Telemetry.Text;

/// <summary>One frame of a .NET stack trace: <c>at Method in File:line N</c>.</summary>
internal readonly record struct DotNetStackFrame(string Method, string? File, int? Line);

/// <summary>
/// Parses the text of a .NET stack trace (<see cref="Exception.StackTrace"/> or <see cref="Exception.ToString"/>), the
/// shape written by <see cref="System.Diagnostics.StackTrace.ToString()"/>: <c>   at Method in File:line N</c>, or just
/// <c>   at Method</c> without symbols. Other lines (the message, <c>---&gt; Inner</c>, <c>--- End of ...</c>) are not
/// frames. The text rather than a StackTrace object: it carries readable async method names and, for an exception that
/// crossed Orleans, the remote part. Newest call first, as .NET writes it.
/// </summary>
internal static class DotNetStackTrace
{
    private const string InMarker = " in ";
    private const string LineMarker = ":line ";

    /// <summary>The first <paramref name="maxFrames"/> frames; <paramref name="truncated"/> counts the rest.</summary>
    public static List<DotNetStackFrame> Parse(string? stackTrace, int maxFrames, out int truncated)
    {
        truncated = 0;
        var frames = new List<DotNetStackFrame>();
        if (string.IsNullOrEmpty(stackTrace))
        {
            return frames;
        }

        foreach (var line in stackTrace.AsSpan().EnumerateLines())
        {
            if (!TryParseLine(line, out var frame))
            {
                continue;
            }

            if (frames.Count >= maxFrames)
            {
                truncated++;
                continue;
            }

            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>One line (surrounding white space ignored); false when it is not a frame.</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, out DotNetStackFrame frame)
    {
        line = line.Trim();
        if (!line.StartsWith("at ", StringComparison.Ordinal))
        {
            frame = default;
            return false;
        }

        var rest = line[3..];
        var inAt = rest.LastIndexOf(InMarker, StringComparison.Ordinal);
        if (inAt <= 0)
        {
            frame = new(rest.ToString(), null, null);
            return true;
        }

        var method = rest[..inAt];
        var location = rest[(inAt + InMarker.Length)..];
        var lineAt = location.LastIndexOf(LineMarker, StringComparison.Ordinal);
        frame = lineAt > 0 && int.TryParse(location[(lineAt + LineMarker.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new(method.ToString(), location[..lineAt].ToString(), number)
            : new(method.ToString(), location.ToString(), null);
        return true;
    }
}
