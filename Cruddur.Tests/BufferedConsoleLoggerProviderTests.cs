using System.Text;
using System.Text.Json;
using Cruddur.ServiceDefaults;
using Cruddur.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Cruddur.Tests;

/// <summary>The console logger that formats on the caller's thread and appends whole lines to buffered output.</summary>
public sealed class BufferedConsoleLoggerProviderTests
{
    [Fact]
    public async Task Lines_from_many_threads_arrive_whole_formatted_by_the_configured_formatter()
    {
        var (provider, output, stream, _) = Create(o => o.FormatterName = ConsoleFormatterNames.Json);
        var logger = provider.CreateLogger("Cruddur.Test");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                logger.LogInformation("thread {Thread} line {Line} {Padding}", t, i, new string('x', 100));
            }
        })));
        output.Flush();

        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1600, lines.Length);
        var seen = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("State").GetProperty("Thread").GetRawText(), e.GetProperty("State").GetProperty("Line").GetRawText()))
            .ToHashSet();
        Assert.Equal(1600, seen.Count);
    }

    [Fact]
    public void Nothing_reaches_standard_output_before_the_flush_and_the_simple_format_is_the_default()
    {
        var (provider, output, stream, _) = Create(_ => { });
        provider.CreateLogger("Cruddur.Test").LogWarning("careful {What}", "here");

        Assert.Equal(0, stream.Length);
        output.Flush();

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("warn: Cruddur.Test[0]", text);
        Assert.Contains("careful here", text);
    }

    [Fact]
    public void Lines_at_the_standard_error_threshold_go_to_standard_error_after_what_standard_output_held()
    {
        var (provider, _, stream, error) = Create(o => o.LogToStandardErrorThreshold = LogLevel.Error);
        var logger = provider.CreateLogger("Cruddur.Test");

        logger.LogInformation("to stdout");
        logger.LogError("to stderr");

        // The error line is on standard error at once, and the line before it was written out first.
        Assert.Contains("to stderr", error.ToString());
        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("to stdout", text);
        Assert.DoesNotContain("to stderr", text);
    }

    [Fact]
    public void The_older_Format_Systemd_setting_still_picks_the_systemd_formatter()
    {
#pragma warning disable CS0618 // the older setting is what is under test
        var (provider, output, stream, _) = Create(o => o.Format = ConsoleLoggerFormat.Systemd);
#pragma warning restore CS0618
        provider.CreateLogger("Cruddur.Test").LogWarning("careful");
        output.Flush();

        Assert.StartsWith("<4>Cruddur.Test[0] careful", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void A_host_with_Cruddur_telemetry_logs_to_the_console_through_the_buffered_provider_inside_the_scrubber()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddCruddurTelemetry(defaultServiceName: "cruddur-test");
        using var host = builder.Build();

        var console = Assert.Single(host.Services.GetServices<ILoggerProvider>().OfType<ScrubbingConsoleLoggerProvider>());
        Assert.IsType<BufferedConsoleLoggerProvider>(console.Inner);
    }

    [Fact]
    public async Task HostRunner_makes_standard_output_the_buffered_one()
    {
        Assert.Equal(0, await HostRunner.RunAsync("cruddur-test", () => Task.CompletedTask));

        Assert.NotNull(BufferedStandardOutput.Installed);
    }

    private static (BufferedConsoleLoggerProvider Provider, BufferedStandardOutput Output, MemoryStream Stream, StringWriter Error) Create(Action<ConsoleLoggerOptions> configure)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.AddConsole())
            .Configure(configure)
            .Configure<SimpleConsoleFormatterOptions>(o => o.ColorBehavior = LoggerColorBehavior.Disabled)
            .BuildServiceProvider();
        var stream = new MemoryStream();
        var output = new BufferedStandardOutput(stream, new SinkMetrics("console"), flushDelay: TimeSpan.FromHours(1));
        var error = new StringWriter();
        var provider = new BufferedConsoleLoggerProvider(
            services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), services.GetServices<ConsoleFormatter>(), output, error);
        return (provider, output, stream, error);
    }
}
