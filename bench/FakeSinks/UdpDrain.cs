using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cruddur.Bench.FakeSinks;

/// <summary>
/// Receives X-Ray daemon datagrams on a dedicated thread and counts them. The fake shares two cores with the
/// services under test, so it must cost as little per datagram as it can: on Linux it empties the socket up to 64
/// datagrams per system call (<c>recvmmsg</c>) into one reused buffer, then sleeps a millisecond so the next call
/// finds a batch waiting (the 4 MB receive buffer holds several thousand); elsewhere it falls back to one blocking
/// receive per datagram. Counters are plain fields read with <see cref="Interlocked"/>.
/// </summary>
internal sealed unsafe class UdpDrain : IDisposable
{
    private const int Batch = 64;
    private const int DatagramBytes = 64 * 1024;
    private const int MsgDontWait = 0x40;

    private readonly Socket _socket;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _datagrams;
    private long _bytes;
    private long _errors;
    private readonly HashSet<string> _traceIds = [];

    public UdpDrain(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 4 * 1024 * 1024,
            ReceiveTimeout = 250, // SO_RCVTIMEO, for the blocking fallback: it looks at _stopping this often
        };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _thread = new Thread(OperatingSystem.IsLinux() ? ReceiveBatches : ReceiveOneByOne) { IsBackground = true, Name = "fake xray" };
        _thread.Start();
    }

    public long Datagrams => Interlocked.Read(ref _datagrams);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Distinct X-Ray trace ids seen: what X-Ray bills as "traces recorded".</summary>
    public long Traces
    {
        get
        {
            lock (_traceIds)
            {
                return _traceIds.Count;
            }
        }
    }

    private static ReadOnlySpan<byte> TraceIdKey => "\"trace_id\":\""u8;

    private void CountTrace(ReadOnlySpan<byte> datagram)
    {
        var at = datagram.IndexOf(TraceIdKey);
        if (at < 0 || datagram.Length < at + TraceIdKey.Length + 35)
        {
            return;
        }

        var id = System.Text.Encoding.ASCII.GetString(datagram.Slice(at + TraceIdKey.Length, 35));
        lock (_traceIds)
        {
            _traceIds.Add(id);
        }
    }

    private void ReceiveBatches()
    {
        var buffers = (byte*)NativeMemory.Alloc((nuint)(Batch * DatagramBytes));
        var iovecs = (IoVec*)NativeMemory.Alloc((nuint)(Batch * sizeof(IoVec)));
        var headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(MMsgHdr)));
        try
        {
            for (var i = 0; i < Batch; i++)
            {
                iovecs[i] = new IoVec { Base = buffers + (i * DatagramBytes), Length = DatagramBytes };
                headers[i].Header.Iov = &iovecs[i];
                headers[i].Header.IovLength = 1;
            }

            var fd = (int)_socket.SafeHandle.DangerousGetHandle();
            while (!_stopping)
            {
                var received = RecvMMsg(fd, headers, Batch, MsgDontWait, null);
                if (received < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is 11 or 4) // EAGAIN (nothing waiting), EINTR
                    {
                        Thread.Sleep(1);
                        continue;
                    }

                    if (_stopping)
                    {
                        break;
                    }

                    Interlocked.Increment(ref _errors);
                    continue;
                }

                long bytes = 0;
                for (var i = 0; i < received; i++)
                {
                    bytes += headers[i].Length;
                    CountTrace(new ReadOnlySpan<byte>(buffers + (i * DatagramBytes), (int)headers[i].Length));
                }

                Interlocked.Add(ref _datagrams, received);
                Interlocked.Add(ref _bytes, bytes);
            }
        }
        finally
        {
            NativeMemory.Free(headers);
            NativeMemory.Free(iovecs);
            NativeMemory.Free(buffers);
        }
    }

    private void ReceiveOneByOne()
    {
        var buffer = new byte[DatagramBytes];
        while (!_stopping)
        {
            try
            {
                var length = _socket.Receive(buffer);
                CountTrace(buffer.AsSpan(0, length));
                Interlocked.Increment(ref _datagrams);
                Interlocked.Add(ref _bytes, length);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
            }
            catch (SocketException) when (!_stopping)
            {
                Interlocked.Increment(ref _errors);
            }
            catch (Exception) when (_stopping)
            {
                break;
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(1));
        _socket.Dispose();
    }

    [DllImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static extern int RecvMMsg(int fd, MMsgHdr* messages, uint length, int flags, void* timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
