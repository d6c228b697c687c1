using Microsoft.Extensions.Options;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// What keeps <see cref="XRayExporter"/> from starting. Options without a daemon address are valid: the sink is simply
/// off. Address forms: https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-dotnet-configuration.html
/// </summary>
internal sealed class XRayExporterOptionsValidator : IValidateOptions<XRayExporterOptions>
{
    public ValidateOptionsResult Validate(string? name, XRayExporterOptions options) =>
        Problems(options).ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    public static IEnumerable<string> Problems(XRayExporterOptions options)
    {
        if (options.DaemonAddress is null)
        {
            yield break;
        }

        if (!XRayDaemonAddress.TryParse(options.DaemonAddress, out _))
        {
            yield return $"AWS_XRAY_DAEMON_ADDRESS '{options.DaemonAddress}' is not host:port or 'tcp:h:p udp:h:p'";
        }

        if (options.MaxDatagramBytes is < 1024 or > 65_507)
        {
            yield return $"MaxDatagramBytes {options.MaxDatagramBytes} is outside 1024..65507 (a UDP datagram's payload)";
        }
    }
}
