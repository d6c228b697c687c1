using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Cruddur.Silo;

/// <summary>The address a silo tells the cluster to reach it at (<c>Orleans__AdvertisedIPAddress</c>).</summary>
internal static class SiloAddressing
{
    /// <summary>
    /// The configured address or host name; when unset, the first IPv4 address of an interface that is up and not a
    /// loopback, else 127.0.0.1 (a single machine).
    /// </summary>
    public static IPAddress Advertised(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.TryParse(configured, out var address)
                ? address
                : Dns.GetHostAddresses(configured).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        }

        return NetworkInterface.GetAllNetworkInterfaces()
                   .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                   .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                   .Select(u => u.Address)
                   .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
               ?? IPAddress.Loopback;
    }
}
