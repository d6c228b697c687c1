using System.Text;
using Cruddur.ServiceDefaults;
using Cruddur.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Cruddur.Tests;

/// <summary>Standard output in batches: one write per burst, never a waiting writer, drops counted and said.</summary>
public sealed class BufferedStandardOutputTests
{
    private static readonly TimeSpan Delay = BufferedStandardOutput.DefaultFlushDelay;

    [Fact]
    public void Lines_written_in_a_burst_go_out_together_after_the_flush_delay()
    {
        var time = new FakeTimeProvider();
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, time, new SinkMetrics("console"));

        for (var i = 0; i < 100; i++)
        {
            output.Write($"line {i}\n");
        }

        Assert.Equal(0, stream.Writes);
        time.Advance(Delay);

        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n")), stream.Text);
        Assert.Equal(1, stream.Writes);
        Assert.Equal(1, stream.Flushes);
    }

    [Fact]
    public void A_later_burst_is_flushed_by_its_own_timer()
    {
        var time = new FakeTimeProvider();
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, time, new SinkMetrics("console"));

        output.WriteLine("first");
        time.Advance(Delay);
        output.WriteLine("second");
        Assert.Equal("first" + Environment.NewLine, stream.Text);

        time.Advance(Delay);
        Assert.Equal("first" + Environment.NewLine + "second" + Environment.NewLine, stream.Text);
    }

    [Fact]
    public void Flush_writes_everything_pending_at_once()
    {
        var time = new FakeTimeProvider();
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, time, new SinkMetrics("console"));

        output.Write("pending");
        output.Flush();

        Assert.Equal("pending", stream.Text);
    }

    [Fact]
    public void Text_beyond_ascii_comes_out_as_utf8_even_across_the_encoding_buffer()
    {
        var time = new FakeTimeProvider();
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, time, new SinkMetrics("console"));

        // 64 KiB of ASCII puts the emoji's surrogate pair across the 64 KiB encoding buffer's edge.
        var text = new string('a', 64 * 1024 - 1) + "🦆 é ✓" + new string('b', 70_000);
        output.Write(text);
        output.Flush();

        Assert.Equal(text, stream.Text);
    }

    [Fact]
    public async Task When_output_is_stuck_writers_do_not_wait_and_what_does_not_fit_is_dropped_counted_and_said()
    {
        var time = new FakeTimeProvider();
        var stream = new RecordingStream { Stuck = new ManualResetEventSlim(false) };
        var metrics = new SinkMetrics("console");
        using var output = new BufferedStandardOutput(stream, time, metrics, capacity: 64);

        output.Write("before\n");
        var flushing = Task.Run(output.Flush); // takes "before" and then hangs in the stream's Write
        Assert.True(stream.Entered.Wait(TimeSpan.FromSeconds(10)));

        // The writer thread carries on while output hangs: 9 writes of 9 chars, of which 64 chars hold 7.
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 9; i++)
            {
                output.Write($"during {i}\n");
            }
        });
        try
        {
            await writer.WaitAsync(TimeSpan.FromSeconds(10)); // throws TimeoutException if a write waited for stuck output
            Assert.Equal(2, metrics.Dropped);
        }
        finally
        {
            stream.Stuck.Set();
        }

        await flushing.WaitAsync(TimeSpan.FromSeconds(10));
        output.Flush();

        Assert.Equal(
            "before\n" + $"console: 2 write(s) dropped while standard output was not taking data{Environment.NewLine}" +
            string.Concat(Enumerable.Range(0, 7).Select(i => $"during {i}\n")),
            stream.Text);
    }

    [Fact]
    public void Output_that_is_gone_costs_the_writer_nothing_and_is_counted()
    {
        var time = new FakeTimeProvider();
        var stream = new RecordingStream { Broken = true };
        var metrics = new SinkMetrics("console");
        using var output = new BufferedStandardOutput(stream, time, metrics);

        output.WriteLine("lost");
        output.Flush();

        Assert.Equal(1, metrics.Dropped);
        output.WriteLine("still accepted");
    }

    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public ManualResetEventSlim? Stuck { get; init; }
        public ManualResetEventSlim Entered { get; } = new(false);
        public bool Broken { get; init; }
        public int Writes { get; private set; }
        public int Flushes { get; private set; }
        public string Text => Encoding.UTF8.GetString(_bytes.ToArray());

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            Stuck?.Wait();
            if (Broken)
            {
                throw new IOException("Broken pipe");
            }

            Writes++;
            _bytes.Write(buffer, offset, count);
        }

        public override void Flush() => Flushes++;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _bytes.Length;
        public override long Position { get => _bytes.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
