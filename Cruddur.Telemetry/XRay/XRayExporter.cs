using Cruddur.Telemetry.Delivery;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// Sends finished spans to the X-Ray daemon as UDP datagrams (header line + one segment document), the way the X-Ray
/// SDKs' emitters do: fire-and-forget, never retried, never thrown into the app. Within one batch, a span whose
/// parent span is in the batch too is embedded in the parent's document (<see cref="XRayBatchTree"/>), so a request's
/// spans usually travel in one datagram; what does not fit is sent as independent documents, one per span. Counts
/// the spans it sent, dropped (with a reason) and trimmed on the sink meter (<c>sink=xray</c>).
/// </summary>
public sealed class XRayExporter : BaseExporter<Activity>
{
    public const string SinkName = "xray";

    private static readonly TimeSpan ResolveEvery = TimeSpan.FromMinutes(1);

    private readonly XRayExporterOptions _options;
    private readonly XRayDaemonAddress _address;
    private readonly XRaySegmentWriter _writer;
    private readonly XRayBatchTree _tree = new();
    private readonly Lock _gate = new();
    private Socket? _socket;
    private EndPoint? _connectedTo;
    private EndPoint? _endpoint;
    private long _resolvedAt;
    private bool _resourceRead;
    private readonly SinkDiagnostics _diagnostics;
    private bool _shutdown;

    public XRayExporter(XRayExporterOptions options)
        : this(options, new SinkMetrics(SinkName))
    {
    }

    internal XRayExporter(XRayExporterOptions options, SinkMetrics metrics, Resource? resource = null, SinkDiagnostics? diagnostics = null)
    {
        _options = options;
        Metrics = metrics;
        _diagnostics = diagnostics ?? SinkDiagnostics.Default;
        if (!XRayDaemonAddress.TryParse(options.DaemonAddress, out var address))
        {
            _diagnostics.ReportOnce(SinkName, "address", $"AWS_XRAY_DAEMON_ADDRESS '{options.DaemonAddress}' is not host:port or 'tcp:h:p udp:h:p'; using {XRayDaemonAddress.DefaultAddress}.");
            address = XRayDaemonAddress.Default;
        }

        _address = address;
        _writer = new XRaySegmentWriter(options, resource);
        _resourceRead = resource is not null;
    }

    /// <summary>Where the datagrams go.</summary>
    internal XRayDaemonAddress Address => _address;

    internal SinkMetrics Metrics { get; }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        // Our own socket work must not become spans (there is no UDP instrumentation today, but be explicit).
        using var scope = SuppressInstrumentationScope.Begin();
        lock (_gate)
        {
            if (_shutdown)
            {
                // Nothing is sent after shutdown; each span is counted once, like the HTTP sinks' late items.
                var late = 0L;
                foreach (var _ in batch)
                {
                    late++;
                }

                Metrics.AddDropped(DropReason.Shutdown, late);
                return ExportResult.Failure;
            }

            var result = ExportResult.Success;
            var sent = 0;
            try
            {
                ReadResource();
                foreach (var activity in batch)
                {
                    if (!Refused(activity))
                    {
                        _tree.Add(activity);
                    }
                }

                _tree.Build();
                for (var i = 0; i < _tree.Roots.Count; i++)
                {
                    if (!ExportDocument(_tree.Roots[i], ref sent))
                    {
                        result = ExportResult.Failure;
                    }
                }
            }
            finally
            {
                _tree.Clear();
            }

            if (sent > 0)
            {
                Metrics.AddExported(sent); // once per batch: a counter update per span showed in the profile
            }

            return result;
        }
    }

    private void ReadResource()
    {
        if (_resourceRead)
        {
            return;
        }

        _resourceRead = true;
        try
        {
            if (ParentProvider?.GetResource() is { } resource)
            {
                _writer.SetResource(resource);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _diagnostics.ReportOnce(SinkName, "resource", $"could not read the resource ({ex.GetType().Name}: {ex.Message}); segments go without its attributes.");
        }
    }

    /// <summary>X-Ray refuses the span's trace id: dropped and counted, per span.</summary>
    private bool Refused(Activity activity)
    {
        if (!_options.DropTraceIdsXRayRefuses || XRayTraceIdGenerator.IsAcceptedByXRay(activity.TraceId, _options.Time.GetUtcNow()))
        {
            return false;
        }

        Metrics.AddDropped(DropReason.InvalidTraceId);
        _diagnostics.ReportOnce(SinkName, "invalid_trace_id", $"trace {activity.TraceId} does not start with a recent epoch second, so X-Ray would refuse it (a traceparent from a caller that does not use X-Ray-style ids?); such spans are dropped and counted.");
        return true;
    }

    /// <summary>
    /// Sends <paramref name="node"/>'s document with the spans under it embedded. When that is too large (or a span
    /// under it cannot be written), the span goes alone, as before, and each child becomes an independent document
    /// with its own subtree. <paramref name="sent"/> counts spans, embedded ones included.
    /// </summary>
    private bool ExportDocument(int node, ref int sent)
    {
        var spans = 1 + _tree.Descendants(node);
        if (spans == 1)
        {
            return ExportOne(_tree[node], ref sent);
        }

        bool written;
        ReadOnlyMemory<byte> datagram;
        try
        {
            written = _writer.TryWrite(_tree, node, out datagram);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Written again span by span below, where the span that fails is dropped and counted.
            written = false;
            datagram = default;
        }

        if (written)
        {
            if (!Send(datagram.Span, spans))
            {
                return false;
            }

            sent += spans;
            return true;
        }

        var ok = ExportOne(_tree[node], ref sent);
        for (var child = _tree.FirstChild(node); child >= 0; child = _tree.NextSibling(child))
        {
            ok &= ExportDocument(child, ref sent);
        }

        return ok;
    }

    private bool ExportOne(Activity activity, ref int sent)
    {
        try
        {
            if (!_writer.TryWrite(activity, out var datagram, out var level))
            {
                Metrics.AddDropped(DropReason.TooLarge);
                _diagnostics.ReportOnce(SinkName, "too_large", $"a span's minimal segment document exceeded {_options.MaxDatagramBytes} bytes and was dropped.");
                return true;
            }

            if (level != XRaySegmentWriter.TrimLevel.None)
            {
                Metrics.AddTrimmed();
            }

            if (!Send(datagram.Span, 1))
            {
                return false;
            }

            sent++;
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Metrics.AddDropped(DropReason.SerializeFailed);
            _diagnostics.ReportOnce(SinkName, "serialize:" + ex.GetType().Name, $"could not write a segment document ({ex.GetType().Name}: {ex.Message}); span dropped.");
            return true;
        }
    }

    /// <summary>Sends one datagram carrying <paramref name="spans"/> spans; a failure drops (and counts) them all.</summary>
    private bool Send(ReadOnlySpan<byte> datagram, int spans)
    {
        try
        {
            var endpoint = Endpoint();
            if (endpoint is null)
            {
                Metrics.AddDropped(DropReason.NoAddress, spans);
                return false;
            }

            if (_socket is null || !endpoint.Equals(_connectedTo))
            {
                // A connected socket: no per-send route lookup, and the kernel reports a closed daemon port
                // (ICMP port unreachable) as ConnectionRefused on a later send, so those spans count as dropped.
                _socket?.Dispose();
                _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
                _socket.Connect(endpoint);
                _connectedTo = endpoint;
            }

            _socket.Send(datagram, SocketFlags.None);
            return true;
        }
        catch (SocketException ex)
        {
            // Fire-and-forget like the SDK emitters: count, say so once, resolve again next time.
            _endpoint = null;
            _connectedTo = null;
            Metrics.AddDropped(DropReason.SendFailed, spans);
            _diagnostics.ReportOnce(SinkName, "send:" + ex.SocketErrorCode, $"sending to the X-Ray daemon at udp {_address.UdpHost}:{_address.UdpPort} failed ({ex.SocketErrorCode}); spans are dropped until it answers.");
            return false;
        }
    }

    /// <summary>The daemon's UDP endpoint; host names are resolved now and again every minute (compose restarts).</summary>
    private EndPoint? Endpoint()
    {
        var now = Environment.TickCount64;
        if (_endpoint is not null && now - _resolvedAt < ResolveEvery.TotalMilliseconds)
        {
            return _endpoint;
        }

        _resolvedAt = now;
        if (IPAddress.TryParse(_address.UdpHost, out var ip))
        {
            return _endpoint = new IPEndPoint(ip, _address.UdpPort);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(_address.UdpHost);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is null)
            {
                _diagnostics.ReportOnce(SinkName, "resolve", $"X-Ray daemon host '{_address.UdpHost}' has no address.");
                return _endpoint = null;
            }

            return _endpoint = new IPEndPoint(chosen, _address.UdpPort);
        }
        catch (SocketException ex)
        {
            _diagnostics.ReportOnce(SinkName, "resolve", $"X-Ray daemon host '{_address.UdpHost}' could not be resolved ({ex.SocketErrorCode}); will retry.");
            return _endpoint = null;
        }
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        lock (_gate)
        {
            _shutdown = true;
            _socket?.Dispose();
            _socket = null;
        }

        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _socket?.Dispose();
                _socket = null;
            }
        }

        base.Dispose(disposing);
    }
}
