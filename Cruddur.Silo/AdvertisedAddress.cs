using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Cruddur.ServiceDefaults;

namespace Cruddur.Silo;

/// <summary>The address a silo tells the cluster to reach it at, and why that one.</summary>
public sealed record AdvertisedAddress(IPAddress Address, string Reason)
{
    /// <summary>
    /// <c>Orleans__AdvertisedIPAddress</c> (an address or a host name) when set. Otherwise loopback when every Redis
    /// endpoint is on this machine (the whole cluster is, then), else the first IPv4 address of a network interface
    /// that is up and not a loopback — the address other machines can reach — else loopback.
    /// A name that does not resolve is a <see cref="StartupMistakeException"/>.
    /// </summary>
    public static AdvertisedAddress Choose(OrleansSettings orleans)
    {
        if (!string.IsNullOrWhiteSpace(orleans.AdvertisedIPAddress))
        {
            return new AdvertisedAddress(Resolve(orleans.AdvertisedIPAddress.Trim()), "Orleans__AdvertisedIPAddress");
        }

        if (orleans.RedisConnectionString is { } redis && RedisEndpoints.AllLoopback(redis))
        {
            return new AdvertisedAddress(IPAddress.Loopback, "Redis is on this machine, so the cluster is");
        }

        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        return external is null
            ? new AdvertisedAddress(IPAddress.Loopback, "no network interface is up but loopback")
            : new AdvertisedAddress(external, "the first network interface that is up");
    }

    private static IPAddress Resolve(string configured)
    {
        if (IPAddress.TryParse(configured, out var address))
        {
            return address;
        }

        try
        {
            return Dns.GetHostAddresses(configured).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                   ?? throw new StartupMistakeException(
                       $"Orleans__AdvertisedIPAddress '{configured}' has no IPv4 address; give an address or another host name");
        }
        catch (SocketException exception)
        {
            throw new StartupMistakeException(
                $"Orleans__AdvertisedIPAddress '{configured}' does not resolve ({exception.Message}); give an address or a host name this machine can resolve",
                exception);
        }
    }
}
