namespace Cruddur.Gateway.Hosting;

public static class DefaultUrl
{
    /// <summary>Listens on <paramref name="url"/> unless ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS (or --urls) say otherwise.</summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        var configured = builder.Configuration["urls"] ?? builder.Configuration["http_ports"] ?? builder.Configuration["https_ports"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            builder.WebHost.UseUrls(url);
        }

        return builder;
    }
}
