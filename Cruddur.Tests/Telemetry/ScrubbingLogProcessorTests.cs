using Cruddur.Telemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Cruddur.Tests.Telemetry;

public sealed class ScrubbingLogProcessorTests
{
    [Fact]
    public void A_framework_line_with_a_query_secret_reaches_the_exporter_masked_in_message_and_attributes()
    {
        var texts = new List<(string? Message, string? Url)>();
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
               {
                   o.IncludeFormattedMessage = true;
                   o.AddProcessor(new ScrubbingLogProcessor());
                   o.AddProcessor(new SimpleLogRecordExportProcessor(new CapturingExporter(texts)));
               })))
        {
            factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics")
                .LogInformation("Request starting {Url}", "http://127.0.0.1:4567/api/activities/home?token=canary-1&page=2&api_key=canary-2");
        }

        var (message, url) = Assert.Single(texts);
        Assert.Equal("Request starting http://127.0.0.1:4567/api/activities/home?token=***&page=2&api_key=***", message);
        Assert.Equal("http://127.0.0.1:4567/api/activities/home?token=***&page=2&api_key=***", url);
    }

    [Theory]
    [InlineData("no query here", "no query here")]
    [InlineData("what? nothing", "what? nothing")]
    [InlineData("GET /a?password=hunter2 200", "GET /a?password=*** 200")]
    [InlineData("\"/a?Authorization=x&b=1\"", "\"/a?Authorization=***&b=1\"")]
    public void Scrub_masks_only_secret_looking_query_values(string text, string expected) =>
        Assert.Equal(expected, new ScrubbingLogProcessor().Scrub(text));

    private sealed class CapturingExporter(List<(string?, string?)> texts) : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            foreach (var record in batch)
            {
                texts.Add((record.FormattedMessage, record.Attributes?.FirstOrDefault(a => a.Key == "Url").Value as string));
            }

            return ExportResult.Success;
        }
    }
}
