using System.Net;
using Cruddur.Grains;
using Cruddur.Grains.Hosting;
using Cruddur.Silo.Faults;
using Cruddur.Telemetry.Rollbar;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Cruddur.Silo;

/// <summary>How a Cruddur silo is put together; the host and the tests' TestCluster both use it.</summary>
public static class SiloConfiguration
{
    public const string StorageName = UserActivityGrain.StorageName;

    public static ISiloBuilder UseCruddurSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var orleans = OrleansSettings.From(configuration);
        if (orleans.RedisConnectionString is { } redis)
        {
            // The compose cluster: membership and grain state in Redis, several silos.
            var redisOptions = ConfigurationOptions.Parse(redis);
            silo.UseRedisClustering(o => o.ConfigurationOptions = redisOptions)
                .AddRedisGrainStorage(StorageName, o => o.ConfigurationOptions = redisOptions)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId))
                .Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = orleans.SiloPort;
                    o.GatewayPort = orleans.GatewayPort;
                    o.AdvertisedIPAddress = ParseAddress(orleans.AdvertisedIPAddress) ?? o.AdvertisedIPAddress;
                })
                .Configure<ClusterMembershipOptions>(ConfigureFailureDetection);
        }
        else
        {
            silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId)
                .AddMemoryGrainStorage(StorageName);
        }

        return silo.UseCruddurGrains();
    }

    /// <summary>Tracing and the grains' services, without clustering (a TestCluster brings its own).</summary>
    public static ISiloBuilder UseCruddurGrains(this ISiloBuilder silo) => silo.AddActivityPropagation()
        .AddIncomingGrainCallFilter<RollbarGrainCallFilter>()       // after propagation: the grain span is current
        .AddIncomingGrainCallFilter<FaultSwitchGrainCallFilter>();  // off unless Cruddur:Faults:ThrowForHandle is set

    /// <summary>Everything but clustering, with in-memory storage: what a TestCluster silo needs.</summary>
    public static ISiloBuilder UseCruddurGrainsInMemory(this ISiloBuilder silo) =>
        silo.AddMemoryGrainStorage(StorageName).UseCruddurGrains();

    /// <summary>
    /// A dead silo is declared dead after about 2 missed probes of 2 s instead of Orleans' more patient defaults,
    /// so the grains it hosted reactivate elsewhere within seconds.
    /// </summary>
    private static void ConfigureFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }

    private static IPAddress? ParseAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return IPAddress.TryParse(value, out var address)
            ? address
            : Dns.GetHostAddresses(value).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
    }
}
