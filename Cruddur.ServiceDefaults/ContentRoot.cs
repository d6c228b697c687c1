namespace Cruddur.ServiceDefaults;

/// <summary>
/// Where a host finds <c>appsettings.json</c>: the application's own folder, wherever it was started from — not the
/// working directory, which is .NET's default and made a process started from the repository root run without its
/// shipped configuration (log levels included). <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c> /
/// <c>DOTNET_CONTENTROOT</c> still choose another folder.
/// </summary>
public static class ContentRoot
{
    /// <summary>The content root to use, or null to leave the choice to an explicit setting.</summary>
    public static string? ApplicationFolder(string[] args)
    {
        var explicitlySet = args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
                            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
                            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        return explicitlySet ? null : AppContext.BaseDirectory;
    }
}
