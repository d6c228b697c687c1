using System.Text;
using Cruddur.ServiceDefaults;
using Cruddur.Telemetry;

namespace Cruddur.Tests;

/// <summary>Standard output in batches: one write per burst, never a waiting writer, drops counted and said.</summary>
public sealed class BufferedStandardOutputTests
{
    /// <summary>Long enough that the flusher thread never writes during a test that flushes by hand.</summary>
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    [Fact]
    public void A_burst_of_lines_goes_out_in_one_write_by_the_flusher_thread()
    {
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, new SinkMetrics("console"), flushDelay: TimeSpan.FromMilliseconds(200));

        for (var i = 0; i < 100; i++)
        {
            output.Write($"line {i}\n");
        }

        Assert.True(stream.Entered.Wait(TimeSpan.FromSeconds(10)), "the flusher never wrote");
        Assert.True(stream.Flushed.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n")), stream.Text);
        Assert.Equal(1, stream.Writes); // 100 lines written within the 200 ms delay: one system call
    }

    [Fact]
    public void A_later_burst_is_written_by_the_flusher_too()
    {
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, new SinkMetrics("console"));

        output.WriteLine("first");
        Assert.True(stream.Flushed.Wait(TimeSpan.FromSeconds(10)));
        stream.Flushed.Reset();
        output.WriteLine("second");
        Assert.True(stream.Flushed.Wait(TimeSpan.FromSeconds(10)));

        Assert.Equal("first" + Environment.NewLine + "second" + Environment.NewLine, stream.Text);
    }

    [Fact]
    public void Nothing_is_written_before_the_delay_and_Flush_writes_everything_pending_at_once()
    {
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, new SinkMetrics("console"), flushDelay: Never);

        output.Write("pending");
        Assert.Equal(0, stream.Writes);
        output.Flush();

        Assert.Equal("pending", stream.Text);
    }

    [Fact]
    public void A_surrogate_pair_split_across_two_chunks_of_pending_text_comes_out_whole()
    {
        // A new StringBuilder's first chunk holds 16 chars: the high surrogate ends it, the low one starts the next.
        var (text, _) = Written(output =>
        {
            output.Write(new string('a', 15));
            output.Write(Duck[0]);
            output.Write(Duck[1]);
            output.Write(" é ✓");
        });

        Assert.Equal(new string('a', 15) + "🦆 é ✓", text);
    }

    [Fact]
    public void A_surrogate_pair_split_across_two_flushes_comes_out_whole()
    {
        var (text, _) = Written(output =>
        {
            output.Write(Duck[0]);
            output.Flush();
            output.Write(Duck[1]);
        });

        Assert.Equal(Duck, text);
    }

    [Fact]
    public void More_than_the_encoding_buffer_holds_arrives_in_order()
    {
        var sent = new string('a', 64 * 1024 - 1) + Duck + new string('b', 70_000);
        var (text, writes) = Written(output => output.Write(sent));

        Assert.Equal(sent, text);
        Assert.Equal(3, writes); // 64 KiB per system call
    }

    private const string Duck = "🦆";

    /// <summary>What <paramref name="write"/> puts out through an output flushed by hand, and in how many writes.</summary>
    private static (string Text, int Writes) Written(Action<BufferedStandardOutput> write)
    {
        var stream = new RecordingStream();
        using var output = new BufferedStandardOutput(stream, new SinkMetrics("console"), flushDelay: Never);
        write(output);
        output.Flush();
        return (stream.Text, stream.Writes);
    }

    [Fact]
    public async Task When_output_is_stuck_writers_do_not_wait_and_what_does_not_fit_is_dropped_counted_and_said()
    {
        var stream = new RecordingStream { Stuck = new ManualResetEventSlim(false) };
        var metrics = new SinkMetrics("console");
        using var output = new BufferedStandardOutput(stream, metrics, flushDelay: Never, capacity: 64);

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
            Assert.False(output.Flush(TimeSpan.FromMilliseconds(50)), "a second flush should give up while one is stuck");
        }
        finally
        {
            stream.Stuck.Set();
        }

        await flushing.WaitAsync(TimeSpan.FromSeconds(10));
        output.Flush();
        output.Write("after\n"); // room again once the held lines are out
        output.Flush();

        Assert.Equal(
            "before\n" + $"console: 2 write(s) dropped while standard output was not taking data{Environment.NewLine}" +
            string.Concat(Enumerable.Range(0, 7).Select(i => $"during {i}\n")) + "after\n",
            stream.Text);
    }

    [Fact]
    public void Output_that_is_gone_costs_the_writer_nothing_and_each_lost_write_is_counted()
    {
        var stream = new RecordingStream { Broken = true };
        var metrics = new SinkMetrics("console");
        using var output = new BufferedStandardOutput(stream, metrics, flushDelay: Never);

        output.WriteLine("lost");
        output.WriteLine("lost too");
        output.Flush();

        Assert.Equal(2, metrics.Dropped);
        output.WriteLine("still accepted");
    }

    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _bytes = new();
        private readonly Lock _gate = new();

        public ManualResetEventSlim? Stuck { get; init; }
        public ManualResetEventSlim Entered { get; } = new(false);
        public ManualResetEventSlim Flushed { get; } = new(false);
        public bool Broken { get; init; }
        public int Writes { get; private set; }

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(_bytes.ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            Stuck?.Wait();
            if (Broken)
            {
                throw new IOException("Broken pipe");
            }

            lock (_gate)
            {
                Writes++;
                _bytes.Write(buffer, offset, count);
            }
        }

        public override void Flush() => Flushed.Set();
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
