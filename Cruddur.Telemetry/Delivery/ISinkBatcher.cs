namespace Cruddur.Telemetry.Delivery;

/// <summary>
/// Cuts queued items into the batches a sink's API accepts. Used by one delivery loop only, one batch at a time, so an
/// implementation may reuse its buffers.
/// </summary>
internal interface ISinkBatcher<TItem, TBatch>
{
    /// <summary>Items in the batch being built.</summary>
    int Count { get; }

    /// <summary>Adds <paramref name="item"/> when it fits; false when the batch is full (the item opens the next one).</summary>
    bool TryAdd(TItem item);

    /// <summary>
    /// The batch to send. Items the batch gives back after all (CloudWatch's 24-hour span) are appended to
    /// <paramref name="later"/>, in order, and open the next batch; <see cref="Count"/> then counts the rest.
    /// </summary>
    TBatch Seal(List<TItem> later);

    /// <summary>Empties the batch (after its send), so it keeps no delivered item alive.</summary>
    void Clear();
}

/// <summary>One item per request (Rollbar's items API).</summary>
internal sealed class SingleItemBatcher<T> : ISinkBatcher<T, T>
{
    private T? _item;

    public int Count { get; private set; }

    public bool TryAdd(T item)
    {
        if (Count == 1)
        {
            return false;
        }

        (_item, Count) = (item, 1);
        return true;
    }

    public T Seal(List<T> later) => _item!;

    public void Clear() => (_item, Count) = (default, 0);
}
