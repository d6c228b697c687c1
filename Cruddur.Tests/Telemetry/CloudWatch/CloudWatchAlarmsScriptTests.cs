using System.Diagnostics;
using System.Text.Json;
using Cruddur.Telemetry.CloudWatch.Emf;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>
/// aws/cloudwatch-alarms.sh against moto_server (--endpoint-url): both alarms exist, on the metric name and the
/// dimension sets the EMF exporter actually sends (<see cref="EmfAllowList.HttpServerDuration"/>).
/// </summary>
public sealed class CloudWatchAlarmsScriptTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task The_script_creates_the_5xx_rate_and_home_p99_alarms_on_the_emf_metrics()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "aws", "cloudwatch-alarms.sh"), "--endpoint-url", moto.Endpoint.ToString(),
            "--region", "us-east-1", "--p99-seconds", "0.75"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment.Remove("AWS_ENDPOINT_URL");
        info.Environment.Remove("CLOUDWATCH_METRICS_NAMESPACE");
        using (var script = Process.Start(info)!)
        {
            var stderr = script.StandardError.ReadToEndAsync();
            await script.StandardOutput.ReadToEndAsync();
            await script.WaitForExitAsync();
            Assert.True(script.ExitCode == 0, await stderr);
        }

        var alarms = (await AwsCli.RunJsonAsync(moto.Endpoint, "cloudwatch", "describe-alarms", "--alarm-name-prefix", "cruddur-"))
            .GetProperty("MetricAlarms").EnumerateArray().ToDictionary(a => a.GetProperty("AlarmName").GetString()!);
        var sets = EmfAllowList.HttpServerDuration.Sets.Select(s => string.Join(',', s.Order())).ToList();

        var p99 = alarms["cruddur-home-latency-p99"];
        Assert.Equal("Cruddur", p99.GetProperty("Namespace").GetString());
        Assert.Equal(EmfAllowList.HttpServerDuration.Name, p99.GetProperty("MetricName").GetString());
        Assert.Equal("p99", p99.GetProperty("ExtendedStatistic").GetString());
        Assert.Equal(0.75, p99.GetProperty("Threshold").GetDouble());
        var p99Dimensions = p99.GetProperty("Dimensions").EnumerateArray().ToDictionary(d => d.GetProperty("Name").GetString()!, d => d.GetProperty("Value").GetString());
        Assert.Equal("/api/activities/home", p99Dimensions["Route"]);
        Assert.Equal("cruddur-gateway", p99Dimensions["Service"]);
        Assert.Contains(string.Join(',', p99Dimensions.Keys.Order()), sets);

        var rate = alarms["cruddur-gateway-5xx-rate"];
        var queries = rate.GetProperty("Metrics").EnumerateArray().ToList();
        var expression = Assert.Single(queries, q => q.TryGetProperty("Expression", out _));
        Assert.Contains("c5", expression.GetProperty("Expression").GetString());
        var fiveXx = Assert.Single(queries, q => q.GetProperty("Id").GetString() == "c5").GetProperty("MetricStat");
        Assert.Equal("SampleCount", fiveXx.GetProperty("Stat").GetString());
        var metric = fiveXx.GetProperty("Metric");
        Assert.Equal(EmfAllowList.HttpServerDuration.Name, metric.GetProperty("MetricName").GetString());
        var rateDimensions = metric.GetProperty("Dimensions").EnumerateArray().ToDictionary(d => d.GetProperty("Name").GetString()!, d => d.GetProperty("Value").GetString());
        Assert.Equal("5xx", rateDimensions["StatusClass"]);
        Assert.Contains(string.Join(',', rateDimensions.Keys.Order()), sets);
    }
}
