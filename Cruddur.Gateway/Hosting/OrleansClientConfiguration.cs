using Cruddur.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Cruddur.Gateway.Hosting;

/// <summary>The gateway's Orleans client: where the cluster is, how long to wait, and trace propagation.</summary>
public static class OrleansClientConfiguration
{
    public static IClientBuilder UseCruddurClient(this IClientBuilder client, IConfiguration configuration)
    {
        var orleans = OrleansSettings.From(configuration);
        if (orleans.RedisConnectionString is { } redis)
        {
            // The compose cluster: find the silos' gateways in Redis membership.
            var redisOptions = ConfigurationOptions.Parse(redis);
            client.UseRedisClustering(o => o.ConfigurationOptions = redisOptions)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId));
        }
        else
        {
            client.UseLocalhostClustering(orleans.GatewayPort, orleans.ServiceId, orleans.ClusterId);
        }

        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.ResponseTimeout);
        client.UseConnectionRetryFilter<WaitForClusterRetryFilter>();
        client.Services.AddSingleton<ClusterConnection>();
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(services => services.GetRequiredService<ClusterConnection>());
        client.AddOutgoingGrainCallFilter<FailFastOnConnectionLossFilter>();
        return client.AddActivityPropagation();
    }
}
