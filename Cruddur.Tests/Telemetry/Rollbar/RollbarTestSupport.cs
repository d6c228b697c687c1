using Cruddur.Telemetry;
using Cruddur.Telemetry.Delivery;
using Cruddur.Telemetry.Rollbar;

namespace Cruddur.Tests.Telemetry.Rollbar;

internal static class RollbarTestSupport
{
    /// <summary>Obviously fake; never a real token.</summary>
    public const string FakeToken = "fake-rollbar-token-0000";

    public static readonly TelemetrySettings Settings = new() { ServiceName = "cruddur-test", ServiceVersion = "9.9.9" };

    public static RollbarOptions Options(Uri? endpoint = null, Action<RollbarOptions>? configure = null)
    {
        var options = new RollbarOptions
        {
            AccessToken = FakeToken,
            Environment = "test",
            Endpoint = endpoint ?? new Uri("http://127.0.0.1:9/api/1/item/"),
            Backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), () => 1.0),
            ServerHost = "test-host",
        };
        configure?.Invoke(options);
        return options;
    }

    public static RollbarNotifier Notifier(RollbarOptions options, TimeProvider? time = null, SinkDiagnostics? diagnostics = null) =>
        new(options, time ?? TimeProvider.System, Settings, diagnostics: diagnostics);

    /// <summary>Throws <paramref name="exception"/> from a named method so it has a real stack.</summary>
    public static Exception Thrown(Func<Exception> exception)
    {
        try
        {
            throw exception();
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
