namespace Cruddur.Grains;

/// <summary>
/// A write could not be stored (Redis down, slow or refusing). The grain's state is as it was before the write, the
/// caller gets no acknowledgement, and the gateway answers 503.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message) : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}
