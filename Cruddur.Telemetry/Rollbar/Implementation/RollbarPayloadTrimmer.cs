using System.Text.Json;
using System.Text.Json.Nodes;
using Cruddur.Telemetry.Text;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// Fits an item under Rollbar's size limit (128 KB): first drop frames from the middle of each trace (keeping the
/// oldest and newest calls), then shorten long strings step by step, then keep only the essentials.
/// </summary>
internal static class RollbarPayloadTrimmer
{
    internal const int FramesKeptAtEachEnd = 10;
    private static readonly int[] StringLimits = [1024, 512, 256];

    public static byte[] Serialize(JsonNode payload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            payload.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Serializes <paramref name="payload"/> (changing it when it must be trimmed); null when it cannot fit.</summary>
    public static byte[]? Fit(JsonObject payload, int maxBytes, out bool trimmed)
    {
        trimmed = false;
        var bytes = Serialize(payload);
        if (bytes.Length <= maxBytes)
        {
            return bytes;
        }

        trimmed = true;
        foreach (var trace in Traces(payload))
        {
            DropMiddleFrames(trace);
        }

        bytes = Serialize(payload);
        foreach (var limit in StringLimits)
        {
            if (bytes.Length <= maxBytes)
            {
                return bytes;
            }

            ShortenStrings(payload, limit);
            bytes = Serialize(payload);
        }

        if (bytes.Length <= maxBytes)
        {
            return bytes;
        }

        Minimize(payload);
        bytes = Serialize(payload);
        return bytes.Length <= maxBytes ? bytes : null;
    }

    private static IEnumerable<JsonObject> Traces(JsonObject payload)
    {
        var body = payload["data"]?["body"];
        if (body?["trace"] is JsonObject trace)
        {
            yield return trace;
        }

        if (body?["trace_chain"] is JsonArray chain)
        {
            foreach (var item in chain.OfType<JsonObject>())
            {
                yield return item;
            }
        }
    }

    private static void DropMiddleFrames(JsonObject trace)
    {
        if (trace["frames"] is not JsonArray frames || frames.Count <= 2 * FramesKeptAtEachEnd + 1)
        {
            return;
        }

        var omitted = frames.Count - 2 * FramesKeptAtEachEnd;
        var kept = new JsonArray();
        for (var i = 0; i < frames.Count; i++)
        {
            if (i < FramesKeptAtEachEnd || i >= frames.Count - FramesKeptAtEachEnd)
            {
                kept.Add(frames[i]?.DeepClone());
            }
            else if (i == FramesKeptAtEachEnd)
            {
                kept.Add(new JsonObject { ["filename"] = "...", ["method"] = $"... {omitted} frames omitted ..." });
            }
        }

        trace["frames"] = kept;
    }

    private static void ShortenStrings(JsonNode? node, int limit)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (Shorten(obj[key], limit) is { } shorter)
                    {
                        obj[key] = shorter;
                    }
                    else
                    {
                        ShortenStrings(obj[key], limit);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Shorten(array[i], limit) is { } shorter)
                    {
                        array[i] = shorter;
                    }
                    else
                    {
                        ShortenStrings(array[i], limit);
                    }
                }

                break;
        }
    }

    private static string? Shorten(JsonNode? node, int limit) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > limit
            ? TextTruncation.Truncate(text, limit, limit - 3, "...")
            : null;

    /// <summary>Last resort: no request, no custom extras, at most one frame at each end of each trace.</summary>
    private static void Minimize(JsonObject payload)
    {
        if (payload["data"] is not JsonObject data)
        {
            return;
        }

        data.Remove("request");
        if (data["custom"] is JsonObject custom)
        {
            foreach (var key in custom.Select(p => p.Key).Where(k => k is not ("trace_id" or "span_id" or "xray_trace_id")).ToList())
            {
                custom.Remove(key);
            }
        }

        foreach (var trace in Traces(payload).ToList())
        {
            if (trace["frames"] is JsonArray { Count: > 2 } frames)
            {
                trace["frames"] = new JsonArray(frames[0]?.DeepClone(), frames[^1]?.DeepClone());
            }
        }

        if (data["body"]?["trace_chain"] is JsonArray { Count: > 3 } chain)
        {
            while (chain.Count > 3)
            {
                chain.RemoveAt(chain.Count - 1);
            }
        }

        ShortenStrings(payload, 128);
    }
}
