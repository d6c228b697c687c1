using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// One line at start-up that says where the configuration came from and the log levels in effect, so a process
/// started from an unexpected folder shows it at once: "Configuration from /app (appsettings.json found); log levels:
/// Cruddur=Information, Microsoft.AspNetCore.Hosting.Diagnostics=Warning, …".
/// </summary>
public sealed partial class StartupReport(ILoggerFactory loggers, IHostEnvironment environment, ILogger<StartupReport> logger)
    : IHostedService
{
    /// <summary>The categories whose effective level the line reports (our own, the framework's chattiest, Orleans).</summary>
    public static readonly IReadOnlyList<string> Categories =
    [
        "Cruddur", "Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime",
        "Orleans", "Orleans.Runtime.Watchdog", "Polly",
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var found = File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json")) ? "found" : "not found";
        LogConfiguration(logger, environment.ContentRootPath, found, EffectiveLevels(loggers));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>"Category=Level, …": the lowest level each category writes at, over every logging provider.</summary>
    public static string EffectiveLevels(ILoggerFactory loggers) =>
        string.Join(", ", Categories.Select(c => $"{c}={Lowest(loggers.CreateLogger(c))}"));

    private static LogLevel Lowest(ILogger logger)
    {
        for (var level = LogLevel.Trace; level < LogLevel.None; level++)
        {
            if (logger.IsEnabled(level))
            {
                return level;
            }
        }

        return LogLevel.None;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration from {ContentRoot} (appsettings.json {Found}); log levels: {Levels}")]
    private static partial void LogConfiguration(ILogger logger, string contentRoot, string found, string levels);
}
