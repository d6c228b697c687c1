using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cruddur.Telemetry.XRay;
using OpenTelemetry.Resources;

namespace Cruddur.Tests.Telemetry.XRay;

/// <summary>Builds finished spans with fixed times and parents, and writes them through the segment writer.</summary>
internal static class XRayTestSpans
{
    public const string SourceName = "Cruddur.Tests.XRay";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly ActivityTraceId TraceId = ActivityTraceId.CreateFromString("4efaaf4d1e8720b39541901950019ee5");
    public static readonly ActivitySpanId ParentId = ActivitySpanId.CreateFromString("53995c3f42cd8ad8");
    public static readonly DateTime Start = new(2026, 11, 28, 14, 0, 0, 125, DateTimeKind.Utc);

    private static readonly ActivityListener Listener = CreateListener();

    public static Resource Resource { get; } = ResourceBuilder.CreateEmpty()
        .AddAttributes(new Dictionary<string, object>
        {
            ["service.name"] = "cruddur-gateway",
            ["service.version"] = "1.2.3",
            ["telemetry.sdk.name"] = "opentelemetry",
            ["telemetry.sdk.language"] = "dotnet",
            ["telemetry.sdk.version"] = "1.20.1",
        })
        .Build();

    /// <summary>A finished span starting at <see cref="Start"/> lasting 42.5 ms; parented to <see cref="ParentId"/> unless <paramref name="root"/>.</summary>
    public static Activity Span(string name, ActivityKind kind, bool root = false, Action<Activity>? configure = null)
    {
        GC.KeepAlive(Listener);
        var parent = root ? default : new ActivityContext(TraceId, ParentId, ActivityTraceFlags.Recorded, isRemote: true);
        var activity = Source.CreateActivity(name, kind, parent) ?? throw new InvalidOperationException("listener missing");
        activity.SetStartTime(Start);
        activity.Start();
        configure?.Invoke(activity);
        activity.SetEndTime(Start.AddTicks(425_000));
        activity.Stop();
        return activity;
    }

    /// <summary>A finished span under <paramref name="parent"/> (same trace, local parent), inside its time.</summary>
    public static Activity Child(string name, ActivityKind kind, Activity parent, Action<Activity>? configure = null)
    {
        var activity = Source.CreateActivity(name, kind, parent.Context) ?? throw new InvalidOperationException("listener missing");
        activity.SetStartTime(parent.StartTimeUtc.AddTicks(10_000));
        activity.Start();
        configure?.Invoke(activity);
        activity.SetEndTime(parent.StartTimeUtc + parent.Duration - TimeSpan.FromTicks(10_000));
        activity.Stop();
        return activity;
    }

    public static string Write(Activity activity, XRayExporterOptions? options = null, Resource? resource = null) =>
        Write(activity, out _, options, resource);

    public static string Write(Activity activity, out XRaySegmentWriter.TrimLevel level, XRayExporterOptions? options = null, Resource? resource = null)
    {
        var writer = new XRaySegmentWriter(options ?? Options(), resource ?? Resource);
        Assert.True(writer.TryWrite(activity, out var datagram, out level), "the datagram should fit");
        return Encoding.UTF8.GetString(datagram.Span);
    }

    /// <summary>Options that ignore the environment of the test run.</summary>
    public static XRayExporterOptions Options(Action<XRayExporterOptions>? configure = null)
    {
        var options = new XRayExporterOptions
        {
            DaemonAddress = null,
            TracingName = null,
            DynamicNamingPattern = null,
            IndexedAttributes = [],
            ServiceName = null,
            // The fixture's trace id is the X-Ray docs' 4efaaf4d… (2011); the age check has its own test.
            DropTraceIdsXRayRefuses = false,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Splits a datagram into its header line and its document (parsed).</summary>
    public static JsonElement Document(string datagram)
    {
        var newline = datagram.IndexOf('\n');
        Assert.True(newline > 0, "datagram has a header line");
        Assert.Equal("{\"format\":\"json\",\"version\":1}", datagram[..newline]);
        using var doc = JsonDocument.Parse(datagram[(newline + 1)..]);
        return doc.RootElement.Clone();
    }

    public static string Body(string datagram) => datagram[(datagram.IndexOf('\n') + 1)..];

    private static ActivityListener CreateListener()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
