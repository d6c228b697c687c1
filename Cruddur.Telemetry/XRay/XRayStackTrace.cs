using System.Globalization;

namespace Cruddur.Telemetry.XRay;

/// <summary>One frame of an X-Ray <c>cause.exceptions[].stack</c>.</summary>
public readonly record struct XRayStackFrame(string Label, string? Path, int? Line);

/// <summary>
/// Parses a .NET stack trace (<c>exception.stacktrace</c>, which is <c>Exception.ToString()</c>) into frames:
/// <c>   at Label in Path:line N</c>, or just <c>   at Label</c> without symbols. Other lines (the message,
/// <c>---&gt; Inner</c>, <c>--- End of ...</c>) are not frames.
/// </summary>
public static class XRayStackTrace
{
    private const string InMarker = " in ";
    private const string LineMarker = ":line ";

    public static List<XRayStackFrame> Parse(string? stackTrace, int maxFrames, out int truncated)
    {
        truncated = 0;
        var frames = new List<XRayStackFrame>();
        if (string.IsNullOrEmpty(stackTrace))
        {
            return frames;
        }

        foreach (var rawLine in stackTrace.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (!line.StartsWith("at "))
            {
                continue;
            }

            if (frames.Count >= maxFrames)
            {
                truncated++;
                continue;
            }

            frames.Add(ParseFrame(line[3..]));
        }

        return frames;
    }

    private static XRayStackFrame ParseFrame(ReadOnlySpan<char> frame)
    {
        var inAt = frame.LastIndexOf(InMarker);
        if (inAt < 0)
        {
            return new(frame.ToString(), null, null);
        }

        var label = frame[..inAt];
        var location = frame[(inAt + InMarker.Length)..];
        var lineAt = location.LastIndexOf(LineMarker);
        if (lineAt >= 0 && int.TryParse(location[(lineAt + LineMarker.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return new(label.ToString(), location[..lineAt].ToString(), number);
        }

        return new(label.ToString(), location.ToString(), null);
    }
}
