using System.Threading.Channels;

namespace Cruddur.Telemetry.Delivery;

/// <summary>
/// The bounded queue between an exporter (which converts and enqueues, never blocking the SDK's batch thread)
/// and the sink's background sender. When full, the OLDEST item is dropped and counted.
/// </summary>
internal sealed class DeliveryQueue<T>
{
    private readonly Channel<T> _channel;
    private long _count;

    public DeliveryQueue(int capacity, SinkMetrics metrics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            _ =>
            {
                Interlocked.Decrement(ref _count);
                metrics.AddDropped(DropReason.QueueFull);
            });
    }

    public int Capacity { get; }

    /// <summary>Items waiting now.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Adds an item; returns false only after <see cref="Complete"/>.</summary>
    public bool TryAdd(T item)
    {
        Interlocked.Increment(ref _count);
        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    public bool TryTake(out T item)
    {
        if (_channel.Reader.TryRead(out item!))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    /// <summary>Waits until an item is available (true) or the queue is completed and empty (false).</summary>
    public ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken) =>
        _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>No more items will be added (shutdown).</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
