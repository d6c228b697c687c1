using Cruddur.Grains.Hosting;
using Orleans.Configuration;

namespace Cruddur.Gateway.Hosting;

/// <summary>The gateway's Orleans client: where the cluster is, how long to wait, and trace propagation.</summary>
public static class OrleansClientConfiguration
{
    public static IClientBuilder UseCruddurClient(this IClientBuilder client, IConfiguration configuration)
    {
        var orleans = OrleansSettings.From(configuration);
        client.UseLocalhostClustering(orleans.GatewayPort, orleans.ServiceId, orleans.ClusterId);
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.ResponseTimeout);
        client.UseConnectionRetryFilter<WaitForClusterRetryFilter>();
        return client.AddActivityPropagation();
    }
}
