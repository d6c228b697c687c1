using System.Text.Json.Nodes;
using Cruddur.Telemetry.Text;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Rollbar frames (https://docs.rollbar.com/reference/create-item, <c>body.trace.frames</c>) from an exception's stack
/// trace text, parsed by <see cref="DotNetStackTrace"/>. .NET writes the newest call first; Rollbar wants the oldest
/// call first, so the order is reversed.
/// </summary>
internal static class RollbarStackFrames
{
    public static JsonArray From(Exception exception)
    {
        var frames = DotNetStackTrace.Parse(exception.StackTrace, int.MaxValue, out _);
        var array = new JsonArray();
        for (var i = frames.Count - 1; i >= 0; i--)
        {
            array.Add(ToJson(frames[i]));
        }

        return array;
    }

    /// <summary><c>at Ns.Type.Method(args) in /src/File.cs:line 42</c> → <c>{filename, lineno, method}</c>; null when not a frame.</summary>
    internal static JsonObject? Parse(string line) =>
        DotNetStackTrace.TryParseLine(line, out var frame) ? ToJson(frame) : null;

    private static JsonObject ToJson(DotNetStackFrame frame)
    {
        var json = new JsonObject
        {
            ["filename"] = frame.File ?? TypeOf(frame.Method),
            ["method"] = frame.Method,
        };
        if (frame.Line is { } number)
        {
            json["lineno"] = number;
        }

        return json;
    }

    /// <summary>Without a file name (no PDB), the declaring type stands in for it: <c>Ns.Type</c> of <c>Ns.Type.Method(...)</c>.</summary>
    private static string TypeOf(string method)
    {
        var paren = method.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? method : method[..paren];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}
