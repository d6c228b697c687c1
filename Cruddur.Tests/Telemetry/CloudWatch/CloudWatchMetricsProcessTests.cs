using System.Text.Json;
using Cruddur.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>
/// The real gateway and silo processes with CloudWatch Logs on (moto_server) and a 1 s metrics interval: after
/// traffic and a SIGTERM (the reader's final collection), each process's <c>{service}/{host}/{pid}-metrics</c> stream
/// holds EMF events, read back with <c>aws logs</c>, whose request counts add up to exactly what was sent per route
/// and status class — and no handle or uuid of those requests is a dimension value anywhere.
/// </summary>
public sealed class CloudWatchMetricsProcessTests(MotoServer moto, ITestOutputHelper output) : IClassFixture<MotoServer>
{
    private const string Group = "cruddur";
    private const string Duration = "http.server.request.duration";

    [Fact]
    public async Task Emf_events_in_the_metrics_streams_add_up_to_the_requests_per_route_and_status_class()
    {
        var environment = new Dictionary<string, string?>
        {
            ["CLOUDWATCH_LOG_GROUP"] = Group,
            ["CLOUDWATCH_METRICS_INTERVAL"] = "1",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = moto.Endpoint.ToString(),
        };
        var siloEnvironment = new Dictionary<string, string?>(environment) { ["Cruddur__Faults__ThrowForHandle"] = "crashme" };
        await using var cluster = await CruddurCluster.StartAsync(siloEnvironment, environment);
        var silo = cluster.Silos.Single();
        using var http = cluster.CreateClient();

        var uuid = Guid.NewGuid().ToString();
        var sent = new (string Path, int Status, string Route, int Times)[]
        {
            ("/api/activities/home", 200, "/api/activities/home", 5),
            ("/api/activities/@andrewbrown", 200, "/api/activities/{**target}", 3),
            ("/api/activities/@crashme", 500, "/api/activities/{**target}", 2),
            ($"/api/activities/{uuid}", 404, "/api/activities/{uuid:guid}", 4),
            ("/api/users/@andrewbrown", 200, "/api/users/@{handle}", 1),
        };
        foreach (var (path, status, _, times) in sent)
        {
            for (var i = 0; i < times; i++)
            {
                using var response = await http.GetAsync(path);
                Assert.Equal(status, (int)response.StatusCode);
            }
        }

        Assert.Equal(0, await cluster.Gateway.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(30)));

        var gateway = await ReadStreamAsync($"cruddur-gateway/{Environment.MachineName}/{cluster.Gateway.Pid}-metrics");
        var siloDocuments = await ReadStreamAsync($"cruddur-silo/{Environment.MachineName}/{silo.Pid}-metrics");
        output.WriteLine($"gateway: {gateway.Count} EMF events, silo: {siloDocuments.Count}");
        output.WriteLine("gateway metrics: " + string.Join(", ", gateway.SelectMany(MetricNames).Distinct().Order()));
        output.WriteLine("silo metrics: " + string.Join(", ", siloDocuments.SelectMany(MetricNames).Distinct().Order()));

        // Every event is a valid EMF document of namespace Cruddur.
        Assert.All(gateway.Concat(siloDocuments), d =>
        {
            var directive = Assert.Single(d.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());
            Assert.Equal("Cruddur", directive.GetProperty("Namespace").GetString());
            Assert.True(d.GetProperty("_aws").GetProperty("Timestamp").GetInt64() > 0);
        });

        // The counts per route and status class, summed over every interval, are the requests sent: no more, no less.
        foreach (var group in sent.GroupBy(s => (s.Route, Class: $"{s.Status / 100}xx")))
        {
            var counted = gateway
                .Where(d => d.TryGetProperty(Duration, out _) && d.GetProperty("Route").GetString() == group.Key.Route
                            && d.GetProperty("StatusClass").GetString() == group.Key.Class)
                .Sum(d => d.GetProperty(Duration).GetProperty("Count").GetDouble());
            Assert.True(group.Sum(s => s.Times) == counted, $"{group.Key}: sent {group.Sum(s => s.Times)}, counted {counted}");
        }

        // Neither a handle nor the uuid ever became a dimension value (nor any root string).
        var dimensionValues = gateway.Concat(siloDocuments).SelectMany(DimensionValues).Distinct().ToList();
        output.WriteLine("dimension values: " + string.Join(" | ", dimensionValues));
        Assert.DoesNotContain(dimensionValues, v => v.Contains("andrewbrown", StringComparison.OrdinalIgnoreCase)
                                                    || v.Contains("crashme", StringComparison.OrdinalIgnoreCase)
                                                    || v.Contains(uuid, StringComparison.OrdinalIgnoreCase));

        // The silo reports per host: Orleans activations and the runtime's figures.
        Assert.Contains(siloDocuments, d => d.TryGetProperty("orleans-catalog-activations", out _)
                                            && d.GetProperty("Host").GetString() == Environment.MachineName
                                            && d.GetProperty("Service").GetString() == "cruddur-silo");
        Assert.Contains(siloDocuments, d => d.TryGetProperty("dotnet.gc.heap.total_allocated", out _));
    }

    private async Task<List<JsonElement>> ReadStreamAsync(string stream)
    {
        var streams = await AwsCli.RunJsonAsync(moto.Endpoint, "logs", "describe-log-streams", "--log-group-name", Group, "--log-stream-name-prefix", stream);
        Assert.Single(streams.GetProperty("logStreams").EnumerateArray(), s => s.GetProperty("logStreamName").GetString() == stream);
        return (await AwsCli.LogMessagesAsync(moto.Endpoint, Group, stream)).Select(m => JsonDocument.Parse(m).RootElement.Clone()).ToList();
    }

    private static IEnumerable<string> MetricNames(JsonElement document) =>
        document.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()!);

    /// <summary>The values of every key any dimension set of the document names.</summary>
    private static IEnumerable<string> DimensionValues(JsonElement document) =>
        document.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").EnumerateArray()
            .SelectMany(set => set.EnumerateArray().Select(k => k.GetString()!))
            .Distinct()
            .Select(key => document.GetProperty(key).GetString()!);
}
