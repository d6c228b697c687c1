using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Cruddur.ServiceDefaults;
using Microsoft.Extensions.Logging.Console;

namespace Cruddur.Telemetry;

/// <summary>
/// The console's share of secret scrubbing: the console logger is not part of the OpenTelemetry pipeline, so
/// <see cref="ScrubbingLogProcessor"/> never sees what it prints. This wraps the host's console provider; a record whose
/// message or values hold a URL query reaches it with the query's secret-looking values masked, the same way.
/// The alias keeps <c>Logging:Console:*</c> settings applying to it.
/// </summary>
[ProviderAlias("Console")]
internal sealed class ScrubbingConsoleLoggerProvider(ILoggerProvider inner, ScrubbingLogProcessor scrubber)
    : ILoggerProvider, ISupportExternalScope
{
    /// <summary>
    /// Puts the wrapper, around <see cref="BufferedConsoleLoggerProvider"/>, in place of the console provider the host
    /// registered, if it registered one. A Windows console window keeps the framework's provider inside the wrapper: it
    /// turns colour codes into console calls where the window does not take them as text.
    /// </summary>
    public static void Replace(IServiceCollection services, ScrubbingLogProcessor scrubber)
    {
        var console = services.FirstOrDefault(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        if (console is null)
        {
            return;
        }

        services.Remove(console);
        services.AddSingleton<ILoggerProvider>(sp =>
            new ScrubbingConsoleLoggerProvider(BufferedStandardOutput.WindowsConsoleWindow
                ? ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp)
                : ActivatorUtilities.CreateInstance<BufferedConsoleLoggerProvider>(sp), scrubber));
    }

    /// <summary>The console provider it wraps.</summary>
    internal ILoggerProvider Inner => inner;

    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName), scrubber);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    public void Dispose() => inner.Dispose();

    private sealed class Logger(ILogger inner, ScrubbingLogProcessor scrubber) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                if (!ScrubbingLogProcessor.AnyMayHoldQuery(values))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                    return;
                }

                var message = scrubber.Scrub(formatter(state, exception)) ?? string.Empty;
                IReadOnlyList<KeyValuePair<string, object?>> scrubbed =
                    [.. values.Select(v => v.Value is string s ? new KeyValuePair<string, object?>(v.Key, scrubber.Scrub(s)) : v)];
                inner.Log(logLevel, eventId, scrubbed, exception, (_, _) => message);
                return;
            }

            var text = formatter(state, exception);
            if (ScrubbingLogProcessor.MayHoldQuery(text))
            {
                var masked = scrubber.Scrub(text) ?? string.Empty;
                inner.Log(logLevel, eventId, state, exception, (_, _) => masked);
            }
            else
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
