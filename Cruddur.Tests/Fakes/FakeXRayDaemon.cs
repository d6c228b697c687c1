using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Fakes;

/// <summary>
/// One datagram as the X-Ray daemon would read it: the header line and the document after it; or, from
/// <see cref="Spans"/>, one span of such a datagram (<see cref="Embedded"/> when it was a nested subsegment).
/// </summary>
public sealed record XRayDatagram(int Length, string Header, string Body)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>This entry was a subsegment embedded in another document's <c>"subsegments"</c>.</summary>
    public bool Embedded { get; init; }

    /// <summary>Splits raw bytes as the daemon does: the header line, then the document.</summary>
    public static XRayDatagram Parse(byte[] buffer)
    {
        var text = Encoding.UTF8.GetString(buffer);
        var newline = text.IndexOf('\n');
        return newline < 0
            ? new XRayDatagram(buffer.Length, text, "")
            : new XRayDatagram(buffer.Length, text[..newline], text[(newline + 1)..]);
    }

    /// <summary>
    /// Every span the datagram carries, one entry each (the datagram's <see cref="Length"/> and header), as the
    /// independent document it would be on its own: the top document without its <c>"subsegments"</c>, then each
    /// embedded subsegment (depth first) with the top document's <c>trace_id</c>, its parent's id as
    /// <c>parent_id</c> and <c>"type":"subsegment"</c> added
    /// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html).
    /// </summary>
    public IReadOnlyList<XRayDatagram> Spans()
    {
        if (Body.Length == 0 || JsonNode.Parse(Body) is not JsonObject top)
        {
            return [this];
        }

        var spans = new List<XRayDatagram>();
        var traceId = top["trace_id"]?.GetValue<string>();
        Add(top, parentId: null);
        return spans;

        void Add(JsonObject doc, string? parentId)
        {
            var children = doc["subsegments"] as JsonArray;
            doc.Remove("subsegments");
            if (parentId is not null)
            {
                doc["trace_id"] = traceId;
                doc["parent_id"] = parentId;
                doc["type"] = "subsegment";
            }

            spans.Add(this with { Body = doc.ToJsonString(Relaxed), Embedded = parentId is not null });
            var id = doc["id"]?.GetValue<string>() ?? throw new InvalidDataException($"a document without an id: {Body}");
            foreach (var child in children ?? [])
            {
                Add(child as JsonObject ?? throw new InvalidDataException($"a subsegment that is not an object: {Body}"), id);
            }
        }
    }

    public JsonElement Document
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.Clone();
        }
    }

    public string? Get(string property) =>
        Document.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A UDP listener on 127.0.0.1 standing in for the X-Ray daemon; it keeps every datagram.</summary>
public sealed class FakeXRayDaemon : IAsyncDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Observed<XRayDatagram> _datagrams = new();
    private readonly Task _loop;

    public FakeXRayDaemon() => _loop = ReceiveLoopAsync();

    /// <summary>The value for <c>AWS_XRAY_DAEMON_ADDRESS</c>.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)_udp.Client.LocalEndPoint!).Port}";

    /// <summary>The datagrams as they arrived (a document may embed several spans).</summary>
    public IReadOnlyList<XRayDatagram> Datagrams => _datagrams.Snapshot();

    /// <summary>One entry per span: every datagram's embedded subsegments flattened (<see cref="XRayDatagram.Spans"/>).</summary>
    public IReadOnlyList<XRayDatagram> Spans => Flatten(Datagrams);

    public static IReadOnlyList<XRayDatagram> Flatten(IEnumerable<XRayDatagram> datagrams) => [.. datagrams.SelectMany(d => d.Spans())];

    public Task<IReadOnlyList<XRayDatagram>> WaitForAsync(Func<IReadOnlyList<XRayDatagram>, bool> condition, TimeSpan timeout) =>
        _datagrams.WaitForAsync(condition, timeout, seen =>
            $"X-Ray datagrams did not arrive within {timeout}; got:\n{string.Join("\n", seen.Select(d => d.Body))}");

    /// <summary>Like <see cref="WaitForAsync"/> over <see cref="Spans"/>: the condition sees one entry per span.</summary>
    public async Task<IReadOnlyList<XRayDatagram>> WaitForSpansAsync(Func<IReadOnlyList<XRayDatagram>, bool> condition, TimeSpan timeout) =>
        Flatten(await WaitForAsync(all => condition(Flatten(all)), timeout));

    private async Task ReceiveLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult result;
            try
            {
                result = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _datagrams.Add(XRayDatagram.Parse(result.Buffer));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
