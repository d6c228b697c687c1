using System.Text.Json;
using Cruddur.Telemetry.CloudWatch;
using Cruddur.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cruddur.Tests.Telemetry.CloudWatch.Emf;

/// <summary>
/// The real gateway in-process, its ASP.NET Core request metrics read by the EMF exporter: requests naming a handle
/// and a uuid show up under their route templates, and neither the handle nor the uuid is a dimension value (nor any
/// other string) in any document. (The meter is process-wide, so other tests' requests may show up too; they cannot
/// make this pass wrongly.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EmfDimensionPrivacyTests(ClusterFixture fixture) : GatewayTestBase(fixture)
{
    [Fact]
    public async Task A_handle_or_uuid_in_a_request_never_becomes_a_dimension_value()
    {
        var stream = new FakeMetricsLogStream();
        var options = new CloudWatchMetricsExporterOptions { Host = "test-host" };
        options.Logs.ServiceName = "cruddur-gateway";
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter("Microsoft.AspNetCore.Hosting")
            .AddReader(new BaseExportingMetricReader(new CloudWatchMetricsExporter(options, stream)))
            .Build();

        var handle = "privacy" + Guid.NewGuid().ToString("N")[..8];
        var uuid = Guid.NewGuid().ToString();
        foreach (var path in (string[])[$"/api/activities/@{handle}", $"/api/users/@{handle}", $"/api/activities/{uuid}",
                     $"/api/messages/@{handle}", $"/api/nothing-here/{uuid}?handle={handle}"])
        {
            using var _ = await Http.GetAsync(path);
        }

        Assert.True(provider.ForceFlush());
        var text = string.Join('\n', stream.Events.Select(e => e.Message));
        var documents = stream.Documents;
        var routes = documents.Where(d => d.TryGetProperty("Route", out _)).Select(d => d.GetProperty("Route").GetString()).ToHashSet();

        Assert.Contains("/api/activities/{**target}", routes);
        Assert.Contains("/api/users/@{handle}", routes);
        Assert.Contains("/api/activities/{uuid:guid}", routes);
        Assert.DoesNotContain(handle, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(uuid, text, StringComparison.OrdinalIgnoreCase);
        Assert.All(documents.SelectMany(d => d.EnumerateObject()).Where(p => p.Value.ValueKind == JsonValueKind.String),
            p => Assert.DoesNotContain(handle, p.Value.GetString()!, StringComparison.OrdinalIgnoreCase));
    }
}
