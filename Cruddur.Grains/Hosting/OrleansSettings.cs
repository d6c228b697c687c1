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

    /// <summary>The address other silos and clients reach this silo at (compose: the container's); default: auto.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>How long the gateway waits for a grain call before answering 503.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>ConnectionStrings__redis</c>: when set, Redis clustering and grain storage replace the localhost defaults.</summary>
    public string? RedisConnectionString { get; set; }

    public static OrleansSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection("Orleans").Get<OrleansSettings>() ?? new OrleansSettings();
        var redis = configuration.GetConnectionString("redis");
        settings.RedisConnectionString = string.IsNullOrWhiteSpace(redis) ? null : redis;
        return settings;
    }
}
