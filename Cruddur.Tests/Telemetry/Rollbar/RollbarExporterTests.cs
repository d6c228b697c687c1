using Cruddur.Telemetry.Rollbar;
using Cruddur.Tests.Fakes;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using static Cruddur.Tests.Telemetry.Rollbar.RollbarTestSupport;

namespace Cruddur.Tests.Telemetry.Rollbar;

/// <summary>The log exporter: records at or above the level become items; already-reported exceptions do not.</summary>
public sealed class RollbarExporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Error_records_are_reported_with_their_exception_and_lower_levels_are_not()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        await using var notifier = Notifier(Options(server.Endpoint));
        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
               {
                   o.IncludeFormattedMessage = true;
                   o.AddProcessor(new SimpleLogRecordExportProcessor(new RollbarExporter(notifier)));
               })))
        {
            var logger = loggers.CreateLogger("Cruddur.Test.Category");
            logger.LogWarning("only a warning");
            logger.LogError(Thrown(() => new InvalidOperationException("broken")), "Serving {Path} failed", "/api/x");
            logger.LogCritical("down");
        }

        Assert.True(await notifier.Sender!.FlushAsync(Wait));
        var items = server.Items;
        Assert.Equal(2, items.Count);
        var error = Assert.Single(items, i => i["level"]!.GetValue<string>() == "error");
        var trace = error["body"]!["trace"]!;
        Assert.Equal("System.InvalidOperationException", trace["exception"]!["class"]!.GetValue<string>());
        Assert.Equal("Serving /api/x failed", trace["exception"]!["description"]!.GetValue<string>());
        Assert.Equal("Cruddur.Test.Category", error["context"]!.GetValue<string>());
        var critical = Assert.Single(items, i => i["level"]!.GetValue<string>() == "critical");
        Assert.Equal("down", critical["body"]!["message"]!["body"]!.GetValue<string>());
    }

    [Fact]
    public void The_batch_processor_takes_in_only_records_at_or_above_the_minimum_level()
    {
        // Every Information line of every request passes the log pipeline; Rollbar's batch must not hold them.
        var exported = new List<LogLevel>();
        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
                   o.AddProcessor(new RollbarBatchProcessor(new InMemoryExporter<LogRecord>(new LevelList(exported)), LogLevel.Warning, 60_000)))))
        {
            var logger = loggers.CreateLogger("Cruddur.Test.Category");
            logger.LogInformation("served");
            logger.LogDebug("detail");
            logger.LogWarning("slow");
            logger.LogError("failed");
        } // disposing the factory shuts the processor down, which exports what it holds

        Assert.Equal([LogLevel.Warning, LogLevel.Error], exported);
    }

    /// <summary>Keeps only the level: the exporter's LogRecords go back to the pool after the batch.</summary>
    private sealed class LevelList(List<LogLevel> levels) : ICollection<LogRecord>
    {
        public int Count => levels.Count;
        public bool IsReadOnly => false;
        public void Add(LogRecord item) => levels.Add(item.LogLevel);
        public void Clear() => levels.Clear();
        public bool Contains(LogRecord item) => false;
        public void CopyTo(LogRecord[] array, int arrayIndex) => throw new NotSupportedException();
        public bool Remove(LogRecord item) => false;
        public IEnumerator<LogRecord> GetEnumerator() => Enumerable.Empty<LogRecord>().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public async Task Exception_already_reported_by_the_handler_or_a_silo_is_not_reported_again_from_the_log()
    {
        await using var server = await FakeRollbarServer.StartAsync();
        await using var notifier = Notifier(Options(server.Endpoint));
        var handled = Thrown(() => new InvalidOperationException("reported by the exception handler"));
        var fromSilo = Thrown(() => new InvalidOperationException("reported by the silo"));
        RollbarReportedMarker.Mark(fromSilo, Guid.NewGuid().ToString()); // as it arrives through Orleans
        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
                   o.AddProcessor(new SimpleLogRecordExportProcessor(new RollbarExporter(notifier))))))
        {
            Assert.NotNull(notifier.Report(handled));
            var logger = loggers.CreateLogger("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware");
            logger.LogError(handled, "An unhandled exception has occurred while executing the request.");
            logger.LogError(fromSilo, "An unhandled exception has occurred while executing the request.");
        }

        Assert.True(await notifier.Sender!.FlushAsync(Wait));
        var item = Assert.Single(server.Items);
        Assert.Equal("reported by the exception handler", item["body"]!["trace"]!["exception"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public void Marker_survives_orleans_exception_serialization()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Orleans.Serialization.ServiceCollectionExtensions.AddSerializer(services);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var serializer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Orleans.Serialization.Serializer<Exception>>(provider);
        var exception = Thrown(() => new InvalidOperationException("in a grain", new FormatException("inner")));
        RollbarReportedMarker.Mark(exception, "item-uuid");

        var copy = serializer.Deserialize(serializer.SerializeToArray(exception));

        Assert.NotSame(exception, copy);
        Assert.IsType<InvalidOperationException>(copy);
        Assert.True(RollbarReportedMarker.IsReported(copy));
        Assert.Equal("item-uuid", RollbarReportedMarker.ItemUuid(copy));
    }
}
