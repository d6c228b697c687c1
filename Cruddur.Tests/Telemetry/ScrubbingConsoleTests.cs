using Cruddur.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Cruddur.Tests.Telemetry;

/// <summary>
/// The console is not part of the OpenTelemetry pipeline: what the console formatter is handed must be scrubbed
/// already, for the message and for the values a JSON formatter would print.
/// </summary>
public sealed class ScrubbingConsoleTests
{
    [Fact]
    public async Task The_console_gets_query_secrets_masked_in_the_message_and_the_values()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddConsoleFormatter<CapturingFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = CapturingFormatter.FormatterName);
        builder.AddCruddurTelemetry(defaultServiceName: "console-test");
        using var host = builder.Build();
        var formatter = (CapturingFormatter)host.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == CapturingFormatter.FormatterName);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Anything");

        logger.LogWarning("Request {Url} failed", "http://127.0.0.1/api/activities/home?token=canary-1&page=2");
        logger.LogWarning("GET /x?api_key=canary-2");
        logger.LogWarning("Nothing secret here {Value}", 42);

        await formatter.WaitForAsync(3);
        var seen = formatter.Seen;
        Assert.Equal("Request http://127.0.0.1/api/activities/home?token=***&page=2 failed", seen[0].Message);
        Assert.Contains(seen[0].Values, v => v == "http://127.0.0.1/api/activities/home?token=***&page=2");
        Assert.Equal("GET /x?api_key=***", seen[1].Message);
        Assert.Equal("Nothing secret here 42", seen[2].Message);
        Assert.DoesNotContain(seen.SelectMany(s => s.Values.Append(s.Message)), t => t.Contains("canary", StringComparison.Ordinal));
    }

    private sealed class CapturingFormatter() : ConsoleFormatter(FormatterName)
    {
        public const string FormatterName = "capturing";
        private readonly List<(string Message, List<string> Values)> _seen = [];
        private readonly SemaphoreSlim _arrived = new(0);

        public List<(string Message, List<string> Values)> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public async Task WaitForAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await _arrived.WaitAsync(TimeSpan.FromSeconds(10)), "the console formatter was not called");
            }
        }

        public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
        {
            var values = logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> list
                ? list.Select(v => v.Value?.ToString() ?? string.Empty).ToList()
                : [];
            lock (_seen)
            {
                _seen.Add((logEntry.Formatter(logEntry.State, logEntry.Exception), values));
            }

            _arrived.Release();
        }
    }
}
