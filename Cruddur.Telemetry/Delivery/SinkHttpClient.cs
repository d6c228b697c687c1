namespace Cruddur.Telemetry.Delivery;

/// <summary>
/// The one way a sink makes its private HttpClient: not from IHttpClientFactory (its logging handler would feed the
/// sink's own requests back into the logs); the system proxy honoured (HTTPS_PROXY / NO_PROXY, as the AWS SDK does);
/// pooled connections renewed every 5 minutes so DNS changes are seen; a bounded connect and request time-out.
/// </summary>
internal static class SinkHttpClient
{
    public static HttpClient Create(TimeSpan requestTimeout, HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler
        {
            ConnectTimeout = requestTimeout < TimeSpan.FromSeconds(5) ? requestTimeout : TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = true,
        })
        {
            Timeout = requestTimeout,
        };
}
