using Microsoft.Extensions.Logging;

namespace Cruddur.Telemetry.Rollbar;

/// <summary>Rollbar's item levels.</summary>
public static class RollbarLevel
{
    public const string Critical = "critical";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";
    public const string Debug = "debug";

    public static string From(LogLevel level) => level switch
    {
        LogLevel.Critical => Critical,
        LogLevel.Error => Error,
        LogLevel.Warning => Warning,
        LogLevel.Information => Info,
        _ => Debug,
    };
}
