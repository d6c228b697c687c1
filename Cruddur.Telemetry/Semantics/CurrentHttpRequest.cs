namespace Cruddur.Telemetry.Semantics;

/// <summary>
/// The HTTP request the current thread is starting, as attributes, for a host that serves HTTP (registered by the
/// host's wiring; the library itself knows no web framework). Null outside a request.
/// </summary>
internal delegate HttpRequestAttributes? CurrentHttpRequest();
