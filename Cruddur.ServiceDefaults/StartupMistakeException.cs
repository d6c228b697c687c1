namespace Cruddur.ServiceDefaults;

/// <summary>
/// A configuration mistake found at start-up (a malformed port, an address that does not resolve, Redis out of
/// reach, a port already taken). <see cref="HostRunner"/> prints its message as one line on standard error and exits
/// with <see cref="HostRunner.ConfigurationExitCode"/>; no stack trace, since the message says all there is to fix.
/// </summary>
public sealed class StartupMistakeException(string message, Exception? inner = null) : Exception(message, inner);
