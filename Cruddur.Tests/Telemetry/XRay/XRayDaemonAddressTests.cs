using Cruddur.Telemetry;
using Cruddur.Telemetry.XRay;

namespace Cruddur.Tests.Telemetry.XRay;

public class XRayDaemonAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:2000", "127.0.0.1", 2000, "127.0.0.1", 2000)]
    [InlineData("xray-daemon:2000", "xray-daemon", 2000, "xray-daemon", 2000)]
    [InlineData(" localhost:3000 ", "localhost", 3000, "localhost", 3000)]
    [InlineData("[::1]:2000", "::1", 2000, "::1", 2000)]
    [InlineData("tcp:127.0.0.1:2000 udp:127.0.0.2:2001", "127.0.0.2", 2001, "127.0.0.1", 2000)]
    [InlineData("udp:xray-daemon:2001 tcp:proxy:2000", "xray-daemon", 2001, "proxy", 2000)]
    [InlineData("UDP:a:1 TCP:b:2", "a", 1, "b", 2)]
    public void Parses_both_forms(string value, string udpHost, int udpPort, string tcpHost, int tcpPort)
    {
        Assert.True(XRayDaemonAddress.TryParse(value, out var address));
        Assert.Equal(new XRayDaemonAddress(udpHost, udpPort, tcpHost, tcpPort), address);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":2000")]
    [InlineData("localhost:0")]
    [InlineData("localhost:70000")]
    [InlineData("localhost:20a0")]
    [InlineData("::1:2000")]
    [InlineData("udp:a:1")]
    [InlineData("udp:a:1 udp:b:2")]
    [InlineData("tcp:a:1 udp:b:2 udp:c:3")]
    [InlineData("http:a:1 udp:b:2")]
    public void Rejects_everything_else(string? value)
    {
        Assert.False(XRayDaemonAddress.TryParse(value, out _));
    }

    [Fact]
    public void Exporter_with_a_bad_address_falls_back_to_the_default_instead_of_failing()
    {
        var stderr = new StringWriter();
        using var exporter = new XRayExporter(XRayTestSpans.Options(o => o.DaemonAddress = "not an address"),
            new SinkMetrics("xray-bad-address-test"), diagnostics: new SinkDiagnostics(stderr));
        Assert.Equal(XRayDaemonAddress.Default, exporter.Address);
        Assert.Contains("'not an address' is not host:port", stderr.ToString(), StringComparison.Ordinal);
    }
}
