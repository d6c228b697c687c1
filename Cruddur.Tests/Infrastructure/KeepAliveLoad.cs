using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// A load generator that, unlike HttpClient, never retries: each worker holds one HTTP/1.1 keep-alive connection and
/// sends GETs one after another, reconnecting when the server says <c>Connection: close</c>. Each request carries a
/// number of its own (<c>?n=…</c>) so a test can tell whether the server saw it. A request that was sent and got no
/// complete answer is a failure; a connection refused means the server is gone, and the worker stops.
/// </summary>
public sealed class KeepAliveLoad
{
    private long _ok;
    private long _other;
    private long _failed;

    public long Ok => Interlocked.Read(ref _ok);
    public long OtherStatus => Interlocked.Read(ref _other);
    public long Failed => Interlocked.Read(ref _failed);
    public List<string> Failures { get; } = [];

    /// <summary>The numbers of the requests that got no complete answer.</summary>
    public List<long> FailedRequests { get; } = [];

    private long _next;

    public Task RunAsync(Uri url, int connections, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => WorkerAsync(url, stop))));

    private async Task WorkerAsync(Uri url, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, url.Port);
            }
            catch (SocketException)
            {
                return; // the server is gone
            }

            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var keepAlive = true;
            while (keepAlive && !stop.IsCancellationRequested)
            {
                var number = Interlocked.Increment(ref _next);
                var request = Encoding.ASCII.GetBytes($"GET {url.AbsolutePath}?n={number} HTTP/1.1\r\nHost: {url.Authority}\r\n\r\n");
                try
                {
                    await stream.WriteAsync(request);
                    (var status, keepAlive) = await ReadResponseAsync(stream);
                    Interlocked.Increment(ref status == 200 ? ref _ok : ref _other);
                }
                catch (Exception exception) when (exception is IOException or SocketException or EndOfStreamException)
                {
                    Interlocked.Increment(ref _failed);
                    lock (Failures)
                    {
                        Failures.Add(exception.Message);
                        FailedRequests.Add(number);
                    }

                    keepAlive = false;
                }
            }
        }
    }

    private static async Task<(int Status, bool KeepAlive)> ReadResponseAsync(Stream stream)
    {
        var head = await ReadLineAsync(stream);
        var status = int.Parse(head.Split(' ')[1]);
        long? length = null;
        bool chunked = false, keepAlive = true;
        for (var line = await ReadLineAsync(stream); line.Length > 0; line = await ReadLineAsync(stream))
        {
            var colon = line.IndexOf(':');
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = long.Parse(value);
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) keepAlive = !value.Equals("close", StringComparison.OrdinalIgnoreCase);
        }

        if (chunked)
        {
            for (var size = Convert.ToInt64(await ReadLineAsync(stream), 16); size > 0; size = Convert.ToInt64(await ReadLineAsync(stream), 16))
            {
                await SkipAsync(stream, size + 2);
            }

            await ReadLineAsync(stream); // the empty line after the last chunk
        }
        else
        {
            await SkipAsync(stream, length ?? 0);
        }

        return (status, keepAlive);
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0) throw new EndOfStreamException("the connection closed mid-answer");
            if (one[0] == '\n') return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
        }
    }

    private static async Task SkipAsync(Stream stream, long count)
    {
        var buffer = new byte[8192];
        while (count > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)));
            if (read == 0) throw new EndOfStreamException("the connection closed mid-body");
            count -= read;
        }
    }
}
