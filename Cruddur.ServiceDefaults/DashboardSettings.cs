using Microsoft.Extensions.Configuration;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// <c>Cruddur__Dashboard=true</c> turns the Orleans Dashboard on: its grains and call profiling in every silo, its
/// pages at the gateway under <c>/dashboard</c>. Off by default; the local run (Cruddur.AppHost) and
/// docker-compose.yml turn it on, on silos and gateway alike (the gateway's pages need the silos' half).
/// </summary>
public static class DashboardSettings
{
    public const string ConfigurationKey = "Cruddur:Dashboard";

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration[ConfigurationKey] is { } value && (bool.TryParse(value.Trim(), out var on) ? on : value.Trim() == "1");
}
