using System.Buffers;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cruddur.Telemetry.Semantics;
using Cruddur.Telemetry.Text;
using OpenTelemetry.Resources;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// Turns one finished <see cref="Activity"/> into one X-Ray daemon datagram: the protocol header line and one
/// segment (server or parentless span) or independent subsegment document, following the collector's awsxray
/// mapping (segment document: https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html);
/// or, from an <see cref="XRayBatchTree"/>, one document with the batch's child spans embedded in its
/// <c>"subsegments"</c>. Not thread-safe: one instance per exporter, reusing its buffers.
/// </summary>
internal sealed class XRaySegmentWriter
{
    /// <summary>The daemon's protocol header and the newline that ends it.</summary>
    public static ReadOnlySpan<byte> Header => "{\"format\":\"json\",\"version\":1}\n"u8;

    internal const int MaxStackFrames = 50;
    internal const int MaxAnnotations = 50;
    private const int MaxFieldLength = 250;
    private const int MaxAnnotationValueLength = 1000;
    private const int ShortenedMetadataLength = 256;
    private const int ShortenedMessageLength = 1024;

    /// <summary>Attributes the <c>http</c> block and <c>user</c> consume; they are not repeated as metadata.</summary>
    private static readonly FrozenSet<string> ConsumedKeys = new[]
    {
        "http.request.method", "http.method", "url.full", "http.url", "url.scheme", "http.scheme", "url.path",
        "url.query", "http.target", "http.host", "server.address", "server.port", "net.host.name", "net.host.port",
        "user_agent.original", "http.user_agent", "client.address", "network.peer.address", "http.client_ip",
        "http.response.status_code", "http.status_code", "enduser.id",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly XRayExporterOptions _options;
    private readonly FrozenSet<string> _indexed;
    private readonly string? _fixedName;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    private string _serviceName;

    // The segment name when no per-request host can change it (AWS_XRAY_TRACING_NAME, or service.name without
    // AWS_XRAY_URL): escaped once instead of on every segment.
    private JsonEncodedText? _fixedSegmentName;
    private string? _serviceVersion;
    private string? _sdk;
    private string? _sdkVersion;

    // Resource attributes are the same on every segment: their names (and string values) are escaped once here,
    // not transcoded and escaped again for every span.
    private (JsonEncodedText Key, JsonEncodedText? Text, object Value)[] _resourceAttributes = [];

    public XRaySegmentWriter(XRayExporterOptions options, Resource? resource = null)
    {
        _options = options;
        _indexed = options.IndexedAttributes.ToFrozenSet(StringComparer.Ordinal);
        _fixedName = options.TracingName is { } tracingName ? XRayNames.Sanitize(tracingName) : null;
        _serviceName = XRayNames.Sanitize(options.ServiceName);
        _fixedSegmentName = FixedSegmentName();
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
        if (resource is not null)
        {
            SetResource(resource);
        }
    }

    /// <summary>Trim steps, tried in order until the datagram fits.</summary>
    public enum TrimLevel
    {
        None = 0,
        MetadataShortened = 1,
        NoMetadata = 2,
        NoStacks = 3,
        Minimal = 4,
    }

    /// <summary>The service name segments fall back to (resource <c>service.name</c>), sanitised.</summary>
    public string ServiceName => _serviceName;

    public void SetResource(Resource resource)
    {
        var attributes = new List<(JsonEncodedText, JsonEncodedText?, object)>();
        string? serviceName = null, sdkName = null, sdkLanguage = null;
        foreach (var (key, value) in resource.Attributes)
        {
            switch (key)
            {
                case "service.name": serviceName = value as string; break;
                case "service.version": _serviceVersion = value as string; break;
                case "telemetry.sdk.name": sdkName = value as string; break;
                case "telemetry.sdk.language": sdkLanguage = value as string; break;
                case "telemetry.sdk.version": _sdkVersion = value as string; break;
            }

            attributes.Add((
                JsonEncodedText.Encode("otel.resource." + key, WriterOptions.Encoder),
                value is string text ? JsonEncodedText.Encode(text, WriterOptions.Encoder) : null,
                value));
        }

        _resourceAttributes = [.. attributes];
        if (serviceName is not null && !serviceName.StartsWith("unknown_service", StringComparison.Ordinal))
        {
            _serviceName = XRayNames.Sanitize(serviceName);
        }
        else if (_options.ServiceName is null && serviceName is not null)
        {
            _serviceName = XRayNames.Sanitize(serviceName);
        }

        _sdk = sdkName is null ? null : sdkLanguage is null ? sdkName : $"{sdkName} for {sdkLanguage}";
        _fixedSegmentName = FixedSegmentName();
    }

    private JsonEncodedText? FixedSegmentName() =>
        _fixedName is not null || _options.DynamicNamingPattern is null
            ? JsonEncodedText.Encode(SegmentName(host: null), WriterOptions.Encoder)
            : null;

    /// <summary>
    /// Writes the datagram for <paramref name="activity"/>, trimming (metadata, then stacks, then to the required
    /// fields) until it fits <see cref="XRayExporterOptions.MaxDatagramBytes"/>. The returned memory is valid until
    /// the next call. False when even the minimal document does not fit.
    /// </summary>
    public bool TryWrite(Activity activity, out ReadOnlyMemory<byte> datagram, out TrimLevel level)
    {
        for (level = TrimLevel.None; level <= TrimLevel.Minimal; level++)
        {
            if (WriteDatagram(activity, level, tree: null, node: -1) && _buffer.WrittenCount <= _options.MaxDatagramBytes)
            {
                datagram = _buffer.WrittenMemory;
                return true;
            }
        }

        level = TrimLevel.Minimal;
        datagram = default;
        return false;
    }

    /// <summary>
    /// Writes the datagram for <paramref name="node"/> of <paramref name="tree"/> with the spans under it embedded
    /// (recursively) in <c>"subsegments"</c>, untrimmed. The returned memory is valid until the next call. False
    /// when it does not fit <see cref="XRayExporterOptions.MaxDatagramBytes"/> (writing stops early once it is over).
    /// </summary>
    public bool TryWrite(XRayBatchTree tree, int node, out ReadOnlyMemory<byte> datagram)
    {
        if (WriteDatagram(tree[node], TrimLevel.None, tree, node) && _buffer.WrittenCount <= _options.MaxDatagramBytes)
        {
            datagram = _buffer.WrittenMemory;
            return true;
        }

        datagram = default;
        return false;
    }

    /// <summary>Server spans and spans without a parent are segments; every other span is a subsegment.</summary>
    internal static bool IsSegment(Activity activity) => activity.Kind == ActivityKind.Server || activity.ParentSpanId == default;

    /// <summary>False when the embedded subsegments made it too large and writing stopped.</summary>
    private bool WriteDatagram(Activity activity, TrimLevel level, XRayBatchTree? tree, int node)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(Header);
        _json.Reset(_buffer);
        if (!WriteDocument(_json, activity, level, embedded: false, tree, node))
        {
            return false;
        }

        _json.Flush();
        return true;
    }

    /// <summary>
    /// One segment or subsegment object. An <paramref name="embedded"/> subsegment sits in its parent's
    /// <c>"subsegments"</c> and so carries no <c>trace_id</c>, <c>parent_id</c> or <c>type</c>.
    /// </summary>
    private bool WriteDocument(Utf8JsonWriter w, Activity activity, TrimLevel level, bool embedded, XRayBatchTree? tree, int node)
    {
        var isSegment = !embedded && IsSegment(activity);
        var http = HttpFacts.From(activity);

        w.WriteStartObject();
        if (isSegment && _fixedSegmentName is { } fixedSegmentName)
        {
            w.WriteString("name"u8, fixedSegmentName);
        }
        else
        {
            w.WriteString("name"u8, isSegment ? SegmentName(http.Host) : SubsegmentName(activity, http));
        }

        // Ids are hex: written straight as UTF-8, no strings.
        Span<byte> id = stackalloc byte[TraceIds.XRayLength];
        TraceIds.WriteHexUtf8(activity.SpanId, id);
        w.WriteString("id"u8, id[..16]);
        if (!embedded)
        {
            TraceIds.WriteXRayUtf8(activity.TraceId, id);
            w.WriteString("trace_id"u8, id);
            if (activity.ParentSpanId != default)
            {
                TraceIds.WriteHexUtf8(activity.ParentSpanId, id);
                w.WriteString("parent_id"u8, id[..16]);
            }
        }

        var start = activity.StartTimeUtc.Ticks - DateTime.UnixEpoch.Ticks;
        WriteSeconds(w, "start_time"u8, start);
        WriteSeconds(w, "end_time"u8, start + activity.Duration.Ticks);

        if (!isSegment && !embedded)
        {
            w.WriteString("type"u8, "subsegment"u8);
        }

        if (activity.GetTagItem("rpc.system") is "aws-api")
        {
            w.WriteString("namespace"u8, "aws"u8);
        }
        else if (!isSegment && activity.Kind is ActivityKind.Client or ActivityKind.Producer)
        {
            w.WriteString("namespace"u8, "remote"u8);
        }

        if (activity.GetTagItem("enduser.id") is string user)
        {
            WriteTruncated(w, "user"u8, user, MaxFieldLength);
        }

        if (isSegment && _serviceVersion is not null)
        {
            w.WriteStartObject("service"u8);
            w.WriteString("version"u8, _serviceVersion);
            w.WriteEndObject();
        }

        http.Write(w, isSegment);
        WriteStatus(w, activity, http.Status, level);

        if (isSegment && _sdk is not null)
        {
            w.WriteStartObject("aws"u8);
            w.WriteStartObject("xray"u8);
            w.WriteString("sdk"u8, _sdk);
            if (_sdkVersion is not null)
            {
                w.WriteString("sdk_version"u8, _sdkVersion);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        if (level < TrimLevel.Minimal)
        {
            WriteAnnotations(w, activity);
        }

        if (level < TrimLevel.NoMetadata)
        {
            WriteMetadata(w, activity, isSegment, level == TrimLevel.None ? int.MaxValue : ShortenedMetadataLength);
        }

        if (tree is not null && tree.FirstChild(node) >= 0)
        {
            w.WriteStartArray("subsegments"u8);
            for (var child = tree.FirstChild(node); child >= 0; child = tree.NextSibling(child))
            {
                if (!WriteDocument(w, tree[child], level, embedded: true, tree, child)
                    || _buffer.WrittenCount + w.BytesPending > _options.MaxDatagramBytes)
                {
                    return false;
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        return true;
    }

    /// <summary>Epoch seconds with the tick fraction (100 ns), exact and without trailing zeros: <c>1795874400.1675</c>.</summary>
    internal static void WriteSeconds(Utf8JsonWriter w, ReadOnlySpan<byte> name, long ticksSinceEpoch)
    {
        Span<byte> text = stackalloc byte[32];
        var seconds = Math.DivRem(Math.Max(ticksSinceEpoch, 0), TimeSpan.TicksPerSecond, out var fraction);
        seconds.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            fraction.TryFormat(text[length..], out var digits, "D7", CultureInfo.InvariantCulture);
            length += digits;
            while (text[length - 1] == (byte)'0')
            {
                length--;
            }
        }

        w.WritePropertyName(name);
        w.WriteRawValue(text[..length], skipInputValidation: true);
    }

    private string SegmentName(string? host) =>
        _fixedName ?? XRayNames.SegmentName(null, _options.DynamicNamingPattern, host, _serviceName);

    private static string SubsegmentName(Activity activity, in HttpFacts http)
    {
        if (activity.Kind is ActivityKind.Client or ActivityKind.Producer)
        {
            var remote = activity.GetTagItem("aws.remote.service") as string
                         ?? activity.GetTagItem("peer.service") as string
                         ?? (http.Method is not null ? http.Host ?? activity.GetTagItem("net.peer.name") as string : null);
            if (remote is not null)
            {
                return XRayNames.Sanitize(remote);
            }
        }

        return XRayNames.Sanitize(activity.DisplayName);
    }

    private static void WriteStatus(Utf8JsonWriter w, Activity activity, int? status, TrimLevel level)
    {
        bool error = false, throttle = false, fault = false;
        if (status is >= 400 and < 500)
        {
            error = true;
            throttle = status == 429;
        }
        else if (status is >= 500 and < 600)
        {
            fault = true;
        }
        else if (activity.Status == ActivityStatusCode.Error)
        {
            fault = true;
        }

        if (error)
        {
            w.WriteBoolean("error"u8, true);
        }

        if (throttle)
        {
            w.WriteBoolean("throttle"u8, true);
        }

        if (fault)
        {
            w.WriteBoolean("fault"u8, true);
        }

        if ((error || fault) && level < TrimLevel.Minimal)
        {
            WriteCause(w, activity, level);
        }
    }

    private static void WriteCause(Utf8JsonWriter w, Activity activity, TrimLevel level)
    {
        var remote = activity.Kind is ActivityKind.Client or ActivityKind.Producer;
        var index = 0;
        foreach (ref readonly var e in activity.EnumerateEvents())
        {
            if (e.Name != "exception")
            {
                continue;
            }

            if (index == 0)
            {
                w.WriteStartObject("cause"u8);
                w.WriteStartArray("exceptions"u8);
            }

            string? type = null, message = null, stack = null;
            foreach (ref readonly var tag in e.EnumerateTagObjects())
            {
                switch (tag.Key)
                {
                    case "exception.type": type = tag.Value as string; break;
                    case "exception.message": message = tag.Value as string; break;
                    case "exception.stacktrace": stack = tag.Value as string; break;
                }
            }

            w.WriteStartObject();
            w.WriteString("id"u8, ExceptionId(activity.SpanId, index));
            if (type is not null)
            {
                WriteTruncated(w, "type"u8, type, ShortenedMessageLength);
            }

            if (message is not null)
            {
                WriteTruncated(w, "message"u8, message, level >= TrimLevel.NoStacks ? ShortenedMessageLength : int.MaxValue);
            }

            if (remote)
            {
                w.WriteBoolean("remote"u8, true);
            }

            var frames = DotNetStackTrace.Parse(stack, level >= TrimLevel.NoStacks ? 0 : MaxStackFrames, out var truncated);
            if (frames.Count > 0)
            {
                w.WriteStartArray("stack"u8);
                foreach (var frame in frames)
                {
                    w.WriteStartObject();
                    if (frame.File is not null)
                    {
                        w.WriteString("path"u8, frame.File);
                    }

                    if (frame.Line is { } line)
                    {
                        w.WriteNumber("line"u8, line);
                    }

                    w.WriteString("label"u8, frame.Method);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (truncated > 0)
            {
                w.WriteNumber("truncated"u8, truncated);
            }

            w.WriteEndObject();
            index++;
        }

        if (index == 0 && activity.Status != ActivityStatusCode.Error)
        {
            return; // e.g. a 404: an error, but nothing threw
        }

        if (index == 0)
        {
            // Status error without an exception event: the status description is the only cause we know.
            w.WriteStartObject("cause"u8);
            w.WriteStartArray("exceptions"u8);
            w.WriteStartObject();
            w.WriteString("id"u8, ExceptionId(activity.SpanId, 0));
            if (activity.StatusDescription is { Length: > 0 } description)
            {
                WriteTruncated(w, "message"u8, description, ShortenedMessageLength);
            }

            if (remote)
            {
                w.WriteBoolean("remote"u8, true);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A 16-hex exception id, unique within the span and stable for the same span (golden tests).</summary>
    internal static string ExceptionId(ActivitySpanId spanId, int index)
    {
        Span<byte> bytes = stackalloc byte[8];
        spanId.CopyTo(bytes);
        var x = BitConverter.ToUInt64(bytes) + (0x9E3779B97F4A7C15UL * (ulong)(index + 1));
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x.ToString("x16", CultureInfo.InvariantCulture);
    }

    private void WriteAnnotations(Utf8JsonWriter w, Activity activity)
    {
        if (_indexed.Count == 0)
        {
            return;
        }

        var count = 0;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (!IsAnnotation(tag.Key, tag.Value))
            {
                continue;
            }

            if (count == 0)
            {
                w.WriteStartObject("annotations"u8);
            }

            w.WritePropertyName(XRayNames.SanitizeAnnotationKey(tag.Key));
            WriteValue(w, tag.Value, MaxAnnotationValueLength);
            if (++count == MaxAnnotations)
            {
                break;
            }
        }

        if (count > 0)
        {
            w.WriteEndObject();
        }
    }

    private bool IsAnnotation(string key, object? value) =>
        _indexed.Contains(key) && value is string or bool or int or long or short or byte or uint or ulong or float or double or decimal;

    private void WriteMetadata(Utf8JsonWriter w, Activity activity, bool isSegment, int maxString)
    {
        var open = false;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (ConsumedKeys.Contains(tag.Key) || IsAnnotation(tag.Key, tag.Value))
            {
                continue;
            }

            if (!open)
            {
                w.WriteStartObject("metadata"u8);
                w.WriteStartObject("default"u8);
                open = true;
            }

            w.WritePropertyName(tag.Key);
            WriteValue(w, tag.Value, maxString);
        }

        if (isSegment)
        {
            foreach (var (key, text, value) in _resourceAttributes)
            {
                if (!open)
                {
                    w.WriteStartObject("metadata"u8);
                    w.WriteStartObject("default"u8);
                    open = true;
                }

                if (text is { } encoded && maxString == int.MaxValue)
                {
                    w.WriteString(key, encoded);
                }
                else
                {
                    w.WritePropertyName(key);
                    WriteValue(w, value, maxString);
                }
            }
        }

        if (open)
        {
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }

    internal static void WriteValue(Utf8JsonWriter w, object? value, int maxString) => TagValueJson.Write(w, value, maxString);

    private static void WriteTruncated(Utf8JsonWriter w, ReadOnlySpan<byte> name, string value, int max) =>
        w.WriteString(name, Truncate(value, max));

    /// <summary>At most <paramref name="max"/> chars, never splitting a surrogate pair.</summary>
    internal static ReadOnlySpan<char> Truncate(string value, int max) => TextTruncation.Truncate(value.AsSpan(), max);

    /// <summary>What the HTTP semantic attributes (new and old conventions) say about the request.</summary>
    private readonly record struct HttpFacts(
        string? Method, string? Url, string? Scheme, string? Host, object? Port, string? Path, string? Query,
        string? UserAgent, string? ClientAddress, string? PeerAddress, int? Status)
    {
        /// <summary>Read by <see cref="HttpRequestAttributes"/>, as the sampler reads them (host without a port).</summary>
        public static HttpFacts From(Activity activity)
        {
            var a = HttpRequestAttributes.From(activity);
            return new(a.Method, a.Url, a.Scheme, a.Host, a.Port, a.Path, a.Query, a.UserAgent, a.ClientAddress, a.PeerAddress, a.Status);
        }

        public void Write(Utf8JsonWriter w, bool isSegment)
        {
            if (Method is null && Status is null && Url is null)
            {
                return;
            }

            w.WriteStartObject("http"u8);
            if (Method is not null || Url is not null || Path is not null || UserAgent is not null || ClientAddress is not null || PeerAddress is not null)
            {
                w.WriteStartObject("request"u8);
                if (Method is not null)
                {
                    WriteTruncated(w, "method"u8, Method, MaxFieldLength);
                }

                if (BuildUrl() is { } url)
                {
                    WriteTruncated(w, "url"u8, url, MaxFieldLength);
                }

                if (UserAgent is not null)
                {
                    WriteTruncated(w, "user_agent"u8, UserAgent, MaxFieldLength);
                }

                var ip = ClientAddress ?? PeerAddress;
                if (ip is not null)
                {
                    WriteTruncated(w, "client_ip"u8, ip, MaxFieldLength);
                    if (isSegment && ClientAddress is not null && ClientAddress != PeerAddress)
                    {
                        w.WriteBoolean("x_forwarded_for"u8, true);
                    }
                }

                w.WriteEndObject();
            }

            if (Status is { } status)
            {
                w.WriteStartObject("response"u8);
                w.WriteNumber("status"u8, status);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        private string? BuildUrl()
        {
            if (Url is not null)
            {
                return Url;
            }

            if (Host is null)
            {
                return Path;
            }

            var scheme = Scheme ?? "http";
            var port = Port switch
            {
                int i => i,
                long l => (int)l,
                string s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) => p,
                _ => 0,
            };
            var defaultPort = port == 0 || (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
            var path = string.IsNullOrEmpty(Path) ? "/" : Path;
            var hostPart = Host.Contains(':') ? $"[{Host}]" : Host;
            var authority = defaultPort ? hostPart : string.Create(CultureInfo.InvariantCulture, $"{hostPart}:{port}");
            return Query is { Length: > 0 }
                ? $"{scheme}://{authority}{path}?{Query.TrimStart('?')}"
                : $"{scheme}://{authority}{path}";
        }
    }
}
