using System.Diagnostics;
using System.Globalization;

namespace Cruddur.Telemetry.Semantics;

/// <summary>
/// What the HTTP semantic-convention attributes of a span say about its request, read the same way wherever they
/// are needed (the X-Ray segment writer names and describes a segment with them; the X-Ray sampler matches rules
/// against them), so a request is sampled under the name its segment is sent with. Both conventions are read:
/// the current one (<c>http.request.method</c>, <c>url.path</c>, <c>server.address</c>, ...) and the old one
/// (<c>http.method</c>, <c>http.target</c>, <c>http.host</c>, ...), see
/// https://opentelemetry.io/docs/specs/semconv/http/http-spans/ and
/// https://opentelemetry.io/docs/specs/semconv/non-normative/http-migration/.
/// </summary>
/// <remarks>
/// <see cref="Host"/> never carries a port: the old <c>http.host</c> is the raw <c>Host</c> header
/// (<c>example.com:8080</c>), whose port is removed (and brackets of an IPv6 literal), so it reads like the current
/// <c>server.address</c>. <see cref="Path"/> never carries a query: the old <c>http.target</c> is split into
/// <see cref="Path"/> and <see cref="Query"/>.
/// </remarks>
internal readonly record struct HttpRequestAttributes(
    string? Method, string? Url, string? Scheme, string? Host, object? Port, string? Path, string? Query,
    string? UserAgent, string? ClientAddress, string? PeerAddress, int? Status)
{
    /// <summary>Reads a finished (or running) span's tags.</summary>
    public static HttpRequestAttributes From(Activity activity)
    {
        var reader = new Reader();
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            reader.Read(tag.Key, tag.Value);
        }

        return reader.Result();
    }

    /// <summary>Reads the tags a sampler is given when a span starts.</summary>
    public static HttpRequestAttributes From(IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        var reader = new Reader();
        if (tags is not null)
        {
            foreach (var (key, value) in tags)
            {
                reader.Read(key, value);
            }
        }

        return reader.Result();
    }

    /// <summary>
    /// The request itself, for what a span does not carry yet when it is sampled: ASP.NET Core creates its request
    /// activity with <c>server.address</c> and <c>server.port</c> only, so method and path come from here.
    /// </summary>
    public static HttpRequestAttributes FromRequest(string method, string scheme, string? host, int? port, string path, string? query) => new(
        method, null, scheme, host is null ? null : WithoutPort(host), port, path, query, null, null, null, null);

    /// <summary>These attributes, with what they lack taken from <paramref name="other"/>.</summary>
    public HttpRequestAttributes Or(in HttpRequestAttributes other) => new(
        Method ?? other.Method, Url ?? other.Url, Scheme ?? other.Scheme, Host ?? other.Host, Port ?? other.Port,
        Path ?? other.Path, Query ?? other.Query, UserAgent ?? other.UserAgent, ClientAddress ?? other.ClientAddress,
        PeerAddress ?? other.PeerAddress, Status ?? other.Status);

    /// <summary><c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c> → the host alone; an unbracketed IPv6 literal stays as it is.</summary>
    internal static string WithoutPort(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            return close > 1 ? host[1..close] : host;
        }

        var colon = host.IndexOf(':');
        return colon > 0 && colon == host.LastIndexOf(':') ? host[..colon] : host;
    }

    private static int? AsInt(object? value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        string s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private struct Reader
    {
        private string? _method, _url, _scheme, _host, _path, _target, _query, _agent, _client, _peer;
        private object? _port;
        private int? _status;

        public void Read(string key, object? value)
        {
            switch (key)
            {
                case "http.request.method" or "http.method": _method = value as string; break;
                case "url.full" or "http.url": _url = value as string; break;
                case "url.scheme" or "http.scheme": _scheme = value as string; break;
                case "server.address" or "http.host" or "net.host.name": _host ??= value as string; break;
                case "server.port" or "net.host.port": _port = value; break;
                case "url.path": _path = value as string; break;
                case "http.target": _target = value as string; break;
                case "url.query": _query = value as string; break;
                case "user_agent.original" or "http.user_agent": _agent = value as string; break;
                case "client.address" or "http.client_ip": _client = value as string; break;
                case "network.peer.address": _peer = value as string; break;
                case "http.response.status_code" or "http.status_code": _status = AsInt(value); break;
            }
        }

        public readonly HttpRequestAttributes Result()
        {
            string? path = _path, query = _query;
            if (path is null && _target is not null)
            {
                var q = _target.IndexOf('?');
                path = q < 0 ? _target : _target[..q];
                query ??= q < 0 ? null : _target[(q + 1)..];
            }

            var host = _host is null ? null : WithoutPort(_host);
            return new(_method, _url, _scheme, host, _port, path, query, _agent, _client, _peer, _status);
        }
    }
}
