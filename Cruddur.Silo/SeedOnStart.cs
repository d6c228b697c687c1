using Cruddur.Grains;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Cruddur.Silo;

/// <summary>
/// When the silo is up, asks the one seeder to seed an empty store (a no-op once seeded). A store it cannot reach is
/// said once and the silo runs on; the next silo start tries again.
/// </summary>
internal sealed partial class SeedOnStart(IGrainFactory grains, ILogger<SeedOnStart> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SeedOnStart), ServiceLifecycleStage.Active, SeedAsync);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<ISeedGrain>(0).EnsureSeededAsync().WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSeedFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not seed the store ({ExceptionType}: {Reason}); will try again on the next start")]
    private static partial void LogSeedFailed(ILogger logger, string exceptionType, string reason);
}
