using Microsoft.Extensions.Configuration;

namespace Cruddur.ServiceDefaults;

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

    /// <summary>Reads the section; a value that is not what its setting needs is a <see cref="StartupMistakeException"/>.</summary>
    public static OrleansSettings From(IConfiguration configuration)
    {
        OrleansSettings settings;
        try
        {
            settings = configuration.GetSection("Orleans").Get<OrleansSettings>() ?? new OrleansSettings();
        }
        catch (InvalidOperationException exception)
        {
            // "Failed to convert configuration value 'abc' at 'Orleans:SiloPort' to type 'System.Int32'."
            throw new StartupMistakeException(
                $"{exception.Message.TrimEnd('.')} (set as Orleans__<Name> in the environment)", exception);
        }

        Port(settings.SiloPort, "Orleans:SiloPort", lowest: 1);
        Port(settings.GatewayPort, "Orleans:GatewayPort", lowest: 0); // 0: a silo that is no client gateway
        if (settings.ResponseTimeout <= TimeSpan.Zero)
        {
            throw new StartupMistakeException($"Orleans:ResponseTimeout must be positive, not {settings.ResponseTimeout}");
        }

        var redis = configuration.GetConnectionString("redis");
        settings.RedisConnectionString = string.IsNullOrWhiteSpace(redis) ? null : redis;
        return settings;
    }

    private static void Port(int port, string name, int lowest)
    {
        if (port < lowest || port > 65535)
        {
            throw new StartupMistakeException($"{name} must be a port number from {lowest} to 65535, not {port}");
        }
    }
}
