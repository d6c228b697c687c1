using System.Runtime.InteropServices;
using System.Text;
using Cruddur.Telemetry;
using Cruddur.Telemetry.Delivery;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// Standard output that never makes a writer wait. The console logger (<see cref="BufferedConsoleLoggerProvider"/>) and
/// anything else that writes to <c>Console.Out</c> append to memory; a thread of its own (not the thread pool, so a
/// starved pool does not silence the logs) writes everything pending a short delay after the first pending write, in
/// one system call per 64 KiB, instead of a flushed write per line.
/// When standard output stops taking data (a full pipe, a terminal on hold) and the pending text reaches its limit,
/// further writes are dropped and counted (<c>cruddur.telemetry.dropped</c>, <c>sink=console</c>,
/// <c>reason=queue_full</c>), and a line saying how many were lost goes out when output resumes. Writes lost with an
/// output that is gone (a closed pipe) count as <c>reason=send_failed</c>.
/// </summary>
internal sealed class BufferedStandardOutput : TextWriter
{
    public const string SinkName = "console";

    /// <summary>How long a write may wait for the next flush: long enough to gather a burst, too short to notice.</summary>
    public static readonly TimeSpan DefaultFlushDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the flush at process exit may wait for an output that is stuck.</summary>
    public static readonly TimeSpan ExitFlushPatience = TimeSpan.FromSeconds(2);

    /// <summary>Pending characters kept while output is stuck (about 2 MB); more than that is dropped and counted.</summary>
    public const int DefaultCapacity = 1 << 20;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private static readonly Lock InstallGate = new();
    private static BufferedStandardOutput? s_installed;

    private readonly Stream _stream;
    private readonly int _capacity;
    private readonly TimeSpan _delay;
    private readonly Lock _gate = new();
    private readonly Lock _flushGate = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly ManualResetEventSlim _closing = new(false);
    private readonly Encoder _encoder = Utf8.GetEncoder();
    private readonly byte[] _bytes = new byte[64 * 1024];
    private int _used;
    private StringBuilder _pending = new();
    private StringBuilder _spare = new();
    private long _pendingWrites;
    private bool _scheduled;
    private long _droppedSinceNotice;

    /// <param name="flushDelay">How long after the first pending write the flusher writes out (20 ms by default).</param>
    public BufferedStandardOutput(Stream stream, SinkMetrics metrics, TimeSpan? flushDelay = null, int capacity = DefaultCapacity)
    {
        _stream = stream;
        _capacity = capacity;
        _delay = flushDelay ?? DefaultFlushDelay;
        Metrics = metrics;
        new Thread(FlushLoop) { IsBackground = true, Name = "Cruddur standard output" }.Start();
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
            // framework's console logger and writer (see ScrubbingConsoleLoggerProvider.Replace).
            if (s_installed is not null || WindowsConsoleWindow)
            {
                return;
            }

            var output = new BufferedStandardOutput(Console.OpenStandardOutput(), new SinkMetrics(SinkName));
            Volatile.Write(ref s_installed, output);
            Console.SetOut(output);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => output.Flush(ExitFlushPatience);
            AppDomain.CurrentDomain.UnhandledException += (_, _) => output.Flush(ExitFlushPatience);
        }
    }

    /// <summary>Output is a Windows console window, whose colours the framework's console logger sets call by call.</summary>
    internal static bool WindowsConsoleWindow => OperatingSystem.IsWindows() && !Console.IsOutputRedirected;

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
    public override void Flush() => Flush(Timeout.InfiniteTimeSpan);

    /// <summary>As <see cref="Flush()"/>, but gives up after <paramref name="patience"/> if another flush is stuck.</summary>
    public bool Flush(TimeSpan patience)
    {
        if (!_flushGate.TryEnter(patience))
        {
            return false;
        }

        try
        {
            FlushHoldingGate();
            return true;
        }
        finally
        {
            _flushGate.Exit();
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

    private void FlushLoop()
    {
        while (true)
        {
            _wake.Wait();
            _wake.Reset();
            if (_closing.Wait(_delay))
            {
                return;
            }

            Flush();
        }
    }

    private void FlushHoldingGate()
    {
        StringBuilder batch;
        long writes, dropped;
        lock (_gate)
        {
            batch = _pending;
            _pending = _spare;
            writes = _pendingWrites;
            _pendingWrites = 0;
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
            // Standard output is gone (closed pipe): what this flush held is lost, and counted.
            _used = 0;
            _encoder.Reset();
            if (writes > 0)
            {
                Metrics.AddDropped(DropReason.SendFailed, writes);
            }
        }
        finally
        {
            // A burst's builder is not kept at its burst size.
            batch = batch.Capacity > _bytes.Length ? new StringBuilder() : batch.Clear();
            lock (_gate)
            {
                _spare = batch;
                _scheduled = _pending.Length > 0;
                if (_scheduled)
                {
                    _wake.Set();
                }
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

    /// <summary>Under the gate: whether <paramref name="length"/> more characters fit (else counted as dropped); wakes the flusher.</summary>
    private bool Fits(int length)
    {
        if (_pending.Length + length > _capacity)
        {
            _droppedSinceNotice++;
            Metrics.AddDropped(DropReason.QueueFull);
            return false;
        }

        _pendingWrites++;
        if (!_scheduled)
        {
            _scheduled = true;
            _wake.Set();
        }

        return true;
    }

    /// <summary>
    /// UTF-8 into one buffer, written when full and at the end of a flush; one encoder, so a surrogate pair split
    /// across two of the pending text's chunks (or two flushes) still comes out whole.
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
            _closing.Set();
            _wake.Set();
            Flush(ExitFlushPatience);
        }

        base.Dispose(disposing);
    }
}
