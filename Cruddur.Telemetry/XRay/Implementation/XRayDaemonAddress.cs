using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// <c>AWS_XRAY_DAEMON_ADDRESS</c>: either <c>host:port</c> (UDP and TCP both there) or
/// <c>tcp:host:port udp:host:port</c> in either order. Hosts may be names (resolved when sending) or IP literals,
/// IPv6 in brackets (<c>[::1]:2000</c>).
/// </summary>
internal sealed record XRayDaemonAddress(string UdpHost, int UdpPort, string TcpHost, int TcpPort)
{
    public const string DefaultAddress = "127.0.0.1:2000";

    public static XRayDaemonAddress Default { get; } = new("127.0.0.1", 2000, "127.0.0.1", 2000);

    public static bool TryParse(string? value, [NotNullWhen(true)] out XRayDaemonAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var parts = value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1)
        {
            if (!TryParseHostPort(parts[0], out var host, out var port))
            {
                return false;
            }

            address = new(host, port, host, port);
            return true;
        }

        if (parts.Length != 2)
        {
            return false;
        }

        string? udpHost = null, tcpHost = null;
        int udpPort = 0, tcpPort = 0;
        foreach (var part in parts)
        {
            if (part.StartsWith("udp:", StringComparison.OrdinalIgnoreCase) && udpHost is null &&
                TryParseHostPort(part[4..], out var h, out var p))
            {
                (udpHost, udpPort) = (h, p);
            }
            else if (part.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase) && tcpHost is null &&
                     TryParseHostPort(part[4..], out h, out p))
            {
                (tcpHost, tcpPort) = (h, p);
            }
            else
            {
                return false;
            }
        }

        if (udpHost is null || tcpHost is null)
        {
            return false;
        }

        address = new(udpHost, udpPort, tcpHost, tcpPort);
        return true;
    }

    private static bool TryParseHostPort(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            return false; // IPv6 must be bracketed
        }

        return host.Length > 0 &&
               int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) &&
               port is > 0 and <= 65535;
    }

    public override string ToString() => UdpHost == TcpHost && UdpPort == TcpPort
        ? $"{UdpHost}:{UdpPort}"
        : $"tcp:{TcpHost}:{TcpPort} udp:{UdpHost}:{UdpPort}";
}
