using Cruddur.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Cruddur.Grains;

/// <summary>
/// The grain storage every Cruddur grain keeps its state in (memory locally, Redis in the cluster), and the one way
/// the grains write it: the new state is set, stored, and put back as it was when storing fails, so a write that is
/// not in storage is never served as if it were.
/// </summary>
public static partial class GrainStorage
{
    public const string Name = "cruddur";

    /// <summary>The DI key of the <see cref="TimeProvider"/> the grains judge expiry by (tests replace it with a fake clock).</summary>
    public const string ClockKey = "cruddur-grains";

    private static readonly LogThrottle Throttle = new(TimeProvider.System, LogThrottle.DefaultInterval);

    public static async Task WriteAsync<T>(this IPersistentState<T> state, T next, ILogger logger, Action? onConflict = null)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            state.State = previous;
            if (exception is InconsistentStateException)
            {
                // Storage holds a newer version than this activation (a write that timed out but landed):
                // the next call reads it afresh.
                onConflict?.Invoke();
            }

            LogNotStored(logger, typeof(T).Name, exception);
            throw exception as StorageUnavailableException
                  ?? new StorageUnavailableException($"{typeof(T).Name} was not stored ({exception.GetType().Name}).");
        }
    }

    public static async Task ClearAsync<T>(this IPersistentState<T> state, ILogger logger)
    {
        try
        {
            await state.ClearStateAsync();
        }
        catch (Exception exception)
        {
            LogNotStored(logger, typeof(T).Name, exception);
            throw exception as StorageUnavailableException
                  ?? new StorageUnavailableException($"{typeof(T).Name} was not cleared ({exception.GetType().Name}).");
        }
    }

    private static void LogNotStored(ILogger logger, string stateType, Exception exception)
    {
        var exceptionType = exception.GetType().Name;
        if (Throttle.Count($"{stateType}/{exceptionType}") is > 0 and var count)
        {
            LogNotStoredCore(logger, stateType, exceptionType, exception.Message, count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain state {StateType} not stored: {ExceptionType}: {Reason} ({Count} times since the last such line)")]
    private static partial void LogNotStoredCore(ILogger logger, string stateType, string exceptionType, string reason, int count);
}
