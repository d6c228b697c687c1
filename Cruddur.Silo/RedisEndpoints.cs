using System.Net;
using System.Net.Sockets;
using Cruddur.ServiceDefaults;
using StackExchange.Redis;

namespace Cruddur.Silo;

/// <summary>
/// What a silo checks of <c>ConnectionStrings__redis</c> before it starts, so a mistake there is one line instead of
/// Orleans' membership failing with a stack trace: that the string parses, and that Redis answers a TCP connection.
/// </summary>
public static class RedisEndpoints
{
    /// <summary>The endpoints of the connection string; a malformed one is a <see cref="StartupMistakeException"/>.</summary>
    public static IReadOnlyList<EndPoint> Of(string connectionString)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new StartupMistakeException($"ConnectionStrings__redis is malformed: {exception.Message}", exception);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new StartupMistakeException("ConnectionStrings__redis names no endpoint (expected host:port)");
        }

        return [.. options.EndPoints];
    }

    public static bool AllLoopback(string connectionString) => Of(connectionString).All(e => e switch
    {
        IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
        DnsEndPoint dns => dns.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase),
        _ => false,
    });

    /// <summary>
    /// Waits up to <paramref name="patience"/> for one endpoint to accept a TCP connection (Redis may be starting beside
    /// the silo); if none does, a <see cref="StartupMistakeException"/> that names them.
    /// </summary>
    public static async Task EnsureReachableAsync(string connectionString, TimeSpan patience)
    {
        var endpoints = Of(connectionString);
        var deadline = DateTime.UtcNow + patience;
        string? lastError = null;
        do
        {
            foreach (var endpoint in endpoints)
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await socket.ConnectAsync(endpoint, attempt.Token);
                    return;
                }
                catch (Exception exception) when (exception is SocketException or OperationCanceledException)
                {
                    lastError = exception is SocketException s ? s.Message : "no answer within 2 s";
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        while (DateTime.UtcNow < deadline);

        throw new StartupMistakeException(
            $"Redis at {string.Join(", ", endpoints.Select(Format))} is unreachable ({lastError}); start it, or fix ConnectionStrings__redis");
    }

    private static string Format(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };
}
