namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// The HTTP request an item is about (Rollbar's <c>data.request</c>). Values are captured raw and scrubbed when the
/// payload is built. Request bodies are not read from a live request (that breaks the request's own stream); a caller
/// that has one may set <see cref="Body"/>.
/// </summary>
public sealed record RollbarRequest
{
    public required string Url { get; init; }
    public required string Method { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? QueryString { get; init; }
    public string? UserIp { get; init; }
    public string? Body { get; init; }
}
