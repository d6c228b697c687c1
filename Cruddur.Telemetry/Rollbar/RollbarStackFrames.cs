using System.Globalization;
using System.Text.Json.Nodes;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Rollbar frames from an exception's stack trace text. The text is used rather than <see cref="System.Diagnostics.StackTrace"/>
/// because it carries readable async method names and, for an exception that crossed Orleans, the remote part.
/// .NET writes the newest call first; Rollbar wants the oldest call first, so the order is reversed.
/// </summary>
internal static class RollbarStackFrames
{
    private const string At = "at ";
    private const string In = " in ";
    private const string Line = ":line ";

    public static JsonArray From(Exception exception)
    {
        var frames = new List<JsonObject>();
        if (exception.StackTrace is { } text)
        {
            foreach (var raw in text.Split('\n'))
            {
                if (Parse(raw.Trim()) is { } frame)
                {
                    frames.Add(frame);
                }
            }
        }

        frames.Reverse();
        return new JsonArray([.. frames]);
    }

    /// <summary><c>at Ns.Type.Method(args) in /src/File.cs:line 42</c> → <c>{filename, lineno, method}</c>.</summary>
    internal static JsonObject? Parse(string line)
    {
        if (!line.StartsWith(At, StringComparison.Ordinal))
        {
            return null; // "--- End of stack trace from previous location ---" and the like
        }

        var rest = line[At.Length..];
        string method = rest;
        string? file = null;
        int? lineNumber = null;

        var inAt = rest.LastIndexOf(In, StringComparison.Ordinal);
        if (inAt > 0)
        {
            method = rest[..inAt];
            var location = rest[(inAt + In.Length)..];
            var lineAt = location.LastIndexOf(Line, StringComparison.Ordinal);
            if (lineAt > 0 && int.TryParse(location[(lineAt + Line.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                file = location[..lineAt];
                lineNumber = n;
            }
            else
            {
                file = location;
            }
        }

        var frame = new JsonObject
        {
            ["filename"] = file ?? TypeOf(method),
            ["method"] = method,
        };
        if (lineNumber is { } number)
        {
            frame["lineno"] = number;
        }

        return frame;
    }

    /// <summary>Without a file name (no PDB), the declaring type stands in for it: <c>Ns.Type</c> of <c>Ns.Type.Method(...)</c>.</summary>
    private static string TypeOf(string method)
    {
        var paren = method.IndexOf('(');
        var name = paren < 0 ? method : method[..paren];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}
