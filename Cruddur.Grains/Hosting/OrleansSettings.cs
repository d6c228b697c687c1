using Microsoft.Extensions.Configuration;

namespace Cruddur.Grains.Hosting;

/// <summary>
/// The <c>Orleans</c> configuration section shared by silos and the gateway's client
/// (<c>Orleans__ClusterId</c>, <c>Orleans__SiloPort</c>, ... as environment variables).
/// </summary>
public sealed class OrleansSettings
{
    public string ClusterId { get; set; } = "cruddur";
    public string ServiceId { get; set; } = "cruddur";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How long the gateway waits for a grain call before answering 503.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public static OrleansSettings From(IConfiguration configuration) =>
        configuration.GetSection("Orleans").Get<OrleansSettings>() ?? new OrleansSettings();
}
