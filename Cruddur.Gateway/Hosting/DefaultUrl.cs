using Cruddur.ServiceDefaults;

namespace Cruddur.Gateway.Hosting;

public static class DefaultUrl
{
    /// <summary>
    /// Listens on <paramref name="url"/> unless ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS (or --urls) say otherwise; a
    /// malformed address is a <see cref="StartupMistakeException"/> (one line) rather than Kestrel's stack trace.
    /// </summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && string.IsNullOrWhiteSpace(Ports(builder.Configuration)))
        {
            builder.WebHost.UseUrls(url);
        }

        _ = ListenPorts(builder.WebHost.GetSetting("urls"), Ports(builder.Configuration)).ToList();
        return builder;
    }

    /// <summary>
    /// Before the server starts: a port something already listens on is a <see cref="StartupMistakeException"/>. Called
    /// after <c>Build()</c>, which in-process test hosts never return from, so only a real Kestrel start checks.
    /// </summary>
    public static void EnsurePortsFree(this WebApplication app)
    {
        foreach (var port in ListenPorts(app.Configuration["urls"], Ports(app.Configuration)))
        {
            if (PortGuard.FirstTaken(port) is { } taken)
            {
                throw new StartupMistakeException(
                    $"port {taken} is already in use (another gateway?); stop it, or set ASPNETCORE_URLS to a free port");
            }
        }
    }

    private static string? Ports(IConfiguration configuration) => configuration["http_ports"] ?? configuration["https_ports"];

    private static IEnumerable<int> ListenPorts(string? urls, string? ports)
    {
        foreach (var entry in Split(urls))
        {
            // Kestrel's own parser reads "http://0.0.0.0:abc" as host "0.0.0.0:abc" on port 80 and listens there; a URL
            // is checked as a URL first (with the wildcard hosts "*" and "+" standing in for a name).
            var candidate = entry.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new StartupMistakeException($"ASPNETCORE_URLS: '{entry}' is not an http:// or https:// URL with a numeric port");
            }

            if (uri.Port > 0)
            {
                yield return uri.Port;
            }
        }

        foreach (var entry in Split(ports))
        {
            if (!int.TryParse(entry, out var port) || port is < 1 or > 65535)
            {
                throw new StartupMistakeException($"ASPNETCORE_HTTP_PORTS: '{entry}' is not a port number from 1 to 65535");
            }

            yield return port;
        }
    }

    private static string[] Split(string? list) =>
        list?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
