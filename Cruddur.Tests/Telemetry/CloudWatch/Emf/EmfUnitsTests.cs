using Cruddur.Telemetry.CloudWatch.Emf;

namespace Cruddur.Tests.Telemetry.CloudWatch.Emf;

public sealed class EmfUnitsTests
{
    [Theory]
    [InlineData("s", "Seconds")]
    [InlineData("ms", "Milliseconds")]
    [InlineData("us", "Microseconds")]
    [InlineData("By", "Bytes")]
    [InlineData("Bi", "Bits")]
    [InlineData("%", "Percent")]
    [InlineData("By/s", "Bytes/Second")]
    [InlineData("{request}", "Count")]
    [InlineData("{item}", "Count")]
    [InlineData("{gc}", "Count")]
    [InlineData("{request}/s", "Count/Second")]
    [InlineData("1", "None")]
    [InlineData("", "None")]
    [InlineData(null, "None")]
    [InlineData("furlong", "None")]
    [InlineData("{a}{b}", "None")]
    public void OpenTelemetry_units_map_to_CloudWatch_names(string? unit, string expected) =>
        Assert.Equal(expected, EmfUnits.ToCloudWatch(unit));
}
