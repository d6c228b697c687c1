using System.Net;
using System.Net.Sockets;

namespace Cruddur.Tests.Infrastructure;

/// <summary>Ports on 127.0.0.1 that nothing listens on right now.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    public static int Tcp()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Handed)
            {
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
