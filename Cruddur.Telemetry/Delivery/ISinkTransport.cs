namespace Cruddur.Telemetry.Delivery;

/// <summary>
/// A sink's wire: sends one batch and says how it went. It owns its private HttpClient (no IHttpClientFactory, whose
/// logging handler would feed the sink's own requests back into the logs), never throws except when the token is
/// cancelled, and knows nothing of queues, retries or deadlines: <see cref="SinkSender{TItem, TBatch}"/> does those.
/// The same split as OpenTelemetry .NET's OTLP exporter (an export client under a retrying transmission handler):
/// https://github.com/open-telemetry/opentelemetry-dotnet/tree/main/src/OpenTelemetry.Exporter.OpenTelemetryProtocol/Implementation
/// </summary>
internal interface ISinkTransport<in TBatch> : IDisposable
{
    /// <summary>Where batches go, for the one-line diagnostics.</summary>
    Uri Endpoint { get; }

    /// <summary>Runs once on the delivery loop before the first batch (e.g. resolve credentials off the request path).</summary>
    ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>One attempt; the same batch may be passed again after <see cref="SendStatus.Retryable"/> or <see cref="SendStatus.RetryAfter"/>.</summary>
    Task<SendOutcome> SendAsync(TBatch batch, CancellationToken cancellationToken);
}
