using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// The console logger, without its hand-off: the framework's console provider formats a line on the caller's thread,
/// queues it, and wakes its own writer thread for every line (a thread switch per log line, about a fifth of a
/// request's CPU here). This one formats with the same <see cref="ConsoleFormatter"/> (<c>Logging:Console:FormatterName</c>,
/// <c>simple</c> by default, <c>systemd</c> for the older <c>Format=Systemd</c>, with its <c>FormatterOptions</c>) and
/// appends the line to <see cref="BufferedStandardOutput"/>, which writes the lines of a burst together and never makes
/// the caller wait. Lines at or above <c>Logging:Console:LogToStandardErrorThreshold</c> go to standard error at once,
/// after what standard output holds (unless that is stuck). Filtering by level stays the logger factory's
/// (<c>Logging:Console:LogLevel</c> applies through the <see cref="ScrubbingConsoleLoggerProvider"/> alias). Not carried
/// over: the older top-level <c>IncludeScopes</c>, <c>TimestampFormat</c>, <c>UseUtcTimestamp</c> and
/// <c>DisableColors</c> (set them under <c>FormatterOptions</c>), and <c>QueueFullMode</c>/<c>MaxQueueLength</c>
/// (there is no queue).
/// </summary>
internal sealed class BufferedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    [ThreadStatic]
    private static StringWriter? t_line;

    private readonly ConsoleFormatter[] _formatters;
    private readonly IDisposable? _subscription;
    private readonly BufferedStandardOutput? _output;
    private readonly TextWriter? _fallback;
    private readonly TextWriter _error;
    private volatile Settings _settings;
    private IExternalScopeProvider? _scopes;

    /// <param name="output">Where lines go: the process's buffered standard output when installed (the hosts'
    /// <see cref="HostRunner"/> does), else <c>Console.Out</c> line by line.</param>
    /// <param name="error">Where lines at the standard-error threshold go: <c>Console.Error</c> unless given.</param>
    public BufferedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters,
        BufferedStandardOutput? output = null, TextWriter? error = null)
    {
        _error = error ?? Console.Error;
        _formatters = [.. formatters];
        _settings = Read(options.CurrentValue);
        _subscription = options.OnChange(o => _settings = Read(o));
        _output = output ?? BufferedStandardOutput.Installed;
        _fallback = _output is null ? Console.Out : null;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _subscription?.Dispose();
        _output?.Flush(BufferedStandardOutput.ExitFlushPatience); // a host's stop never hangs on a stuck output
        _fallback?.Flush();
    }

    private Settings Read(ConsoleLoggerOptions options)
    {
#pragma warning disable CS0618 // Format: the older setting, which the framework's provider still maps to a formatter
        var name = options.FormatterName ?? (options.Format == ConsoleLoggerFormat.Systemd ? ConsoleFormatterNames.Systemd : ConsoleFormatterNames.Simple);
#pragma warning restore CS0618
        var formatter = _formatters.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? _formatters.FirstOrDefault(f => f.Name == ConsoleFormatterNames.Simple)
            ?? throw new InvalidOperationException($"no console formatter named '{name}' or '{ConsoleFormatterNames.Simple}' is registered");
        return new Settings(formatter, options.LogToStandardErrorThreshold);
    }

    private void Write(LogLevel level, StringBuilder line)
    {
        if (level >= _settings.ErrorThreshold)
        {
            _output?.Flush(TimeSpan.Zero); // the lines before it first, when two streams are read as one
            _error.Write(line.ToString());
        }
        else if (_output is not null)
        {
            _output.Append(line);
        }
        else
        {
            _fallback!.Write(line.ToString());
        }
    }

    private sealed record Settings(ConsoleFormatter Formatter, LogLevel ErrorThreshold);

    private sealed class Logger(BufferedConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            provider._scopes?.Push(state) ?? NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = t_line ??= new StringWriter();
            var text = line.GetStringBuilder();
            try
            {
                provider._settings.Formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, line);
                if (text.Length > 0)
                {
                    provider.Write(logLevel, text);
                }
            }
            finally
            {
                text.Clear();
                if (text.Capacity > 4096)
                {
                    text.Capacity = 1024; // one huge line (a stack trace) does not stay with the thread
                }
            }
        }
    }

    private sealed class NullScope : IDisposable
    {
        public static readonly NullScope Instance = new();

        public void Dispose()
        {
        }
    }
}
