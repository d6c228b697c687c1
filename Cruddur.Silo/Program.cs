using Cruddur.ServiceDefaults;
using Cruddur.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;

namespace Cruddur.Silo;

public static partial class Program
{
    public static Task<int> Main(string[] args) => HostRunner.RunAsync("cruddur-silo", () => RunAsync(args));

    private static async Task RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = ContentRoot.ApplicationFolder(args),
        });
        var orleans = OrleansSettings.From(builder.Configuration);
        if (PortGuard.FirstTaken(orleans.SiloPort, orleans.GatewayPort) is { } taken)
        {
            throw new StartupMistakeException(
                $"port {taken} is already in use (another silo?); set Orleans__SiloPort / Orleans__GatewayPort to free ports");
        }

        AdvertisedAddress? advertised = null;
        if (orleans.RedisConnectionString is { } redis)
        {
            await RedisEndpoints.EnsureReachableAsync(redis, patience: TimeSpan.FromSeconds(5));
            advertised = AdvertisedAddress.Choose(orleans);
        }

        builder.AddCruddurTelemetry(defaultServiceName: "cruddur-silo");
        // Orleans' watchdog warns at start-up that its "participant check thread has not completed" for about as long
        // as the machine has been up: a first interval measured from zero, not a stall. Its errors still show.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseCruddurSilo(builder.Configuration, advertised);
            if (DashboardSettings.IsEnabled(builder.Configuration))
            {
                silo.AddDashboard(); // the Orleans Dashboard's grains and call profiling; the gateway serves its pages
            }
        });
        builder.Services.AddHostedService<StartupReport>();

        var host = builder.Build();
        if (advertised is not null)
        {
            LogAdvertised(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cruddur.Silo"),
                advertised.Address.ToString(), advertised.Reason);
        }

        await host.RunAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Advertising {Address} to the cluster ({Reason})")]
    private static partial void LogAdvertised(ILogger logger, string address, string reason);
}
