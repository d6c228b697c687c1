using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Fakes;

/// <summary>One datagram as the X-Ray daemon would read it: the header line and the document after it.</summary>
public sealed record XRayDatagram(int Length, string Header, string Body)
{
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

    public IReadOnlyList<XRayDatagram> Datagrams => _datagrams.Snapshot();

    public Task<IReadOnlyList<XRayDatagram>> WaitForAsync(Func<IReadOnlyList<XRayDatagram>, bool> condition, TimeSpan timeout) =>
        _datagrams.WaitForAsync(condition, timeout, seen =>
            $"X-Ray datagrams did not arrive within {timeout}; got:\n{string.Join("\n", seen.Select(d => d.Body))}");

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

            var text = Encoding.UTF8.GetString(result.Buffer);
            var newline = text.IndexOf('\n');
            var datagram = newline < 0
                ? new XRayDatagram(result.Buffer.Length, text, "")
                : new XRayDatagram(result.Buffer.Length, text[..newline], text[(newline + 1)..]);
            _datagrams.Add(datagram);
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
