namespace Cruddur.Telemetry.XRay;

/// <summary>
/// One X-Ray sampling rule, as the service's <c>SamplingRule</c> shape has it (the SDK local format is
/// converted to this): match <see cref="ServiceName"/>, <see cref="ServiceType"/>, <see cref="Host"/>,
/// <see cref="HttpMethod"/> and <see cref="UrlPath"/> with <c>*</c>/<c>?</c> wildcards, case-insensitive; then
/// sample <see cref="ReservoirSize"/> traces per second and <see cref="FixedRate"/> of the rest.
/// </summary>
internal sealed record XRaySamplingRule(
    string Name,
    int Priority,
    double FixedRate,
    int ReservoirSize,
    string ServiceName = "*",
    string ServiceType = "*",
    string Host = "*",
    string HttpMethod = "*",
    string UrlPath = "*")
{
    /// <summary>X-Ray's built-in <c>Default</c> rule: 1 trace per second and 5 % of the rest, matches everything.</summary>
    public static XRaySamplingRule Default { get; } = new("Default", 10000, 0.05, 1);

    /// <summary>
    /// Whether a request matches. An attribute the request does not have (null) matches any pattern, as in the SDKs.
    /// </summary>
    public bool Matches(string? serviceName, string? serviceType, string? host, string? httpMethod, string? urlPath) =>
        Match(ServiceName, serviceName) && Match(ServiceType, serviceType) && Match(Host, host) &&
        Match(HttpMethod, httpMethod) && Match(UrlPath, urlPath);

    private static bool Match(string pattern, string? value) => value is null || XRayWildcard.IsMatch(pattern, value);
}
