using System.Net;
using System.Net.Sockets;

namespace Cruddur.Silo;

/// <summary>
/// A silo's ports must be its own. Started on ports another silo already listens on, a stale silo would otherwise share
/// them quietly and take part of the traffic; this says so in one line and the process exits.
/// </summary>
internal static class PortGuard
{
    /// <summary>The first of <paramref name="ports"/> that something already listens on, or null.</summary>
    public static int? FirstTaken(params int[] ports)
    {
        foreach (var port in ports)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
                // Connections of a silo that just died may linger in TIME_WAIT; only a listener makes the port taken.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
                socket.Listen();
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return port;
            }
        }

        return null;
    }
}
