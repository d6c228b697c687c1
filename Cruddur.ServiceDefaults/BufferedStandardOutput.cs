using System.Runtime.InteropServices;
using System.Text;
using Cruddur.Telemetry;
using Cruddur.Telemetry.Delivery;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// Standard output that never makes a writer wait. The console logger (<see cref="BufferedConsoleLoggerProvider"/>) and
/// anything else that writes to <c>Console.Out</c> append to memory; a few milliseconds after the first pending write, everything pending goes out
/// in one write system call. With .NET's own <c>Console.Out</c> each log line is its own flushed write (a system call
/// per line, the largest single cost of a line in the profile).
/// When standard output stops taking data (a full pipe, a terminal on hold) and the pending text reaches its limit,
/// further writes are dropped and counted (<c>cruddur.telemetry.dropped</c>, <c>sink=console</c>,
/// <c>reason=queue_full</c>), and a line saying how many were lost goes out when output resumes.
/// </summary>
internal sealed class BufferedStandardOutput : TextWriter
{
    public const string SinkName = "console";

    /// <summary>How long a write may wait for the next flush: long enough to gather a burst, too short to notice.</summary>
    public static readonly TimeSpan DefaultFlushDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Pending characters kept while output is stuck (about 2 MB); more than that is dropped and counted.</summary>
    public const int DefaultCapacity = 1 << 20;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private static readonly Lock InstallGate = new();
    private static BufferedStandardOutput? s_installed;

    private readonly Stream _stream;
    private readonly int _capacity;
    private readonly TimeSpan _delay;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly Lock _flushGate = new();
    private readonly Encoder _encoder = Utf8.GetEncoder();
    private readonly byte[] _bytes = new byte[64 * 1024];
    private int _used;
    private StringBuilder _pending = new();
    private StringBuilder _spare = new();
    private bool _scheduled;
    private long _droppedSinceNotice;

    public BufferedStandardOutput(Stream stream, TimeProvider time, SinkMetrics metrics, TimeSpan? flushDelay = null, int capacity = DefaultCapacity)
    {
        _stream = stream;
        _capacity = capacity;
        _delay = flushDelay ?? DefaultFlushDelay;
        Metrics = metrics;
        _timer = time.CreateTimer(static state => ((BufferedStandardOutput)state!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public override Encoding Encoding => Utf8;

    internal SinkMetrics Metrics { get; }

    /// <summary>The process's standard output once <see cref="Install"/> has run; null before.</summary>
    public static BufferedStandardOutput? Installed => Volatile.Read(ref s_installed);

    /// <summary>
    /// Makes <see cref="Console.Out"/> a buffered writer for the rest of the process (once; later calls keep it). Call it
    /// before the host is built: the console logger takes <c>Console.Out</c> when it is created.
    /// </summary>
    public static void Install()
    {
        lock (InstallGate)
        {
            // Once per process (in-process test hosts run Main many times). A Windows console window keeps the
            // runtime's writer: the console logger colours it through the console's own API, call by call.
            if (s_installed is not null || (OperatingSystem.IsWindows() && !Console.IsOutputRedirected))
            {
                return;
            }

            var output = s_installed = new BufferedStandardOutput(Console.OpenStandardOutput(), TimeProvider.System, new SinkMetrics(SinkName));
            Console.SetOut(output);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => output.Flush();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => output.Flush();
        }
    }

    public override void Write(char value) => Append(MemoryMarshal.CreateReadOnlySpan(ref value, 1), default);

    public override void Write(string? value) => Append(value, default);

    public override void Write(char[] buffer, int index, int count) => Append(buffer.AsSpan(index, count), default);

    public override void Write(ReadOnlySpan<char> buffer) => Append(buffer, default);

    public override void WriteLine() => Append(default, CoreNewLine);

    public override void WriteLine(string? value) => Append(value, CoreNewLine);

    public override void WriteLine(ReadOnlySpan<char> buffer) => Append(buffer, CoreNewLine);

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.Run(Flush);

    /// <summary>Writes out everything pending now, on the caller's thread.</summary>
    public override void Flush()
    {
        lock (_flushGate)
        {
            StringBuilder batch;
            long dropped;
            lock (_gate)
            {
                batch = _pending;
                _pending = _spare;
                dropped = _droppedSinceNotice;
                _droppedSinceNotice = 0;
            }

            try
            {
                if (dropped > 0)
                {
                    Encode($"console: {dropped} write(s) dropped while standard output was not taking data{Environment.NewLine}");
                }

                foreach (var chunk in batch.GetChunks())
                {
                    Encode(chunk.Span);
                }

                WriteBytes();
                _stream.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                // Standard output is gone (closed pipe): what was pending is lost, and counted.
                _used = 0;
                _encoder.Reset();
                Metrics.AddDropped(DropReason.SendFailed);
            }
            finally
            {
                batch.Clear();
                lock (_gate)
                {
                    _spare = batch;
                    _scheduled = _pending.Length > 0;
                    if (_scheduled)
                    {
                        _timer.Change(_delay, Timeout.InfiniteTimeSpan);
                    }
                }
            }
        }
    }

    /// <summary>Adds a whole formatted line (or lines) at once, so lines of different threads never interleave.</summary>
    public void Append(StringBuilder text)
    {
        lock (_gate)
        {
            if (Fits(text.Length))
            {
                _pending.Append(text);
            }
        }
    }

    private void Append(ReadOnlySpan<char> text, ReadOnlySpan<char> newLine)
    {
        lock (_gate)
        {
            if (Fits(text.Length + newLine.Length))
            {
                _pending.Append(text).Append(newLine);
            }
        }
    }

    /// <summary>Under the gate: whether <paramref name="length"/> more characters fit (else counted as dropped); schedules the flush.</summary>
    private bool Fits(int length)
    {
        if (_pending.Length + length > _capacity)
        {
            _droppedSinceNotice++;
            Metrics.AddDropped(DropReason.QueueFull);
            return false;
        }

        if (!_scheduled)
        {
            _scheduled = true;
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }

        return true;
    }

    /// <summary>
    /// UTF-8 into one buffer, written when full and at the end of a flush; one encoder, so a surrogate pair split
    /// across two of the pending text's chunks still comes out whole.
    /// </summary>
    private void Encode(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (_bytes.Length - _used < 16)
            {
                WriteBytes();
            }

            _encoder.Convert(text, _bytes.AsSpan(_used), flush: false, out var charsUsed, out var bytesUsed, out _);
            _used += bytesUsed;
            text = text[charsUsed..];
        }
    }

    private void WriteBytes()
    {
        if (_used > 0)
        {
            var used = _used;
            _used = 0;
            _stream.Write(_bytes, 0, used);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
            _timer.Dispose();
        }

        base.Dispose(disposing);
    }
}
