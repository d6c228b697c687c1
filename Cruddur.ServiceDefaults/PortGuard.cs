using System.Net;
using System.Net.Sockets;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// A silo's ports must be its own. Started on ports another silo already listens on, a second silo would otherwise
/// run on quietly; this says so in one line and the process exits. The test is a connection attempt on the loopback:
/// something that answers there listens on the port (a bind test can pass beside a listener on another address).
/// </summary>
public static class PortGuard
{
    /// <summary>The first of <paramref name="ports"/> that something already listens on, or null.</summary>
    public static int? FirstTaken(params int[] ports)
    {
        foreach (var port in ports)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (probe.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(500)))
                {
                    return port;
                }
            }
            catch (AggregateException exception) when (exception.InnerException is SocketException)
            {
                // refused: nobody listens there
            }
        }

        return null;
    }
}
