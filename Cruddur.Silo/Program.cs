using Cruddur.Grains.Hosting;
using Cruddur.Telemetry;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace Cruddur.Silo;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = ContentRoot.ApplicationFolder(args),
        });
        var orleans = OrleansSettings.From(builder.Configuration);
        if (PortGuard.FirstTaken(orleans.SiloPort, orleans.GatewayPort) is { } taken)
        {
            await Console.Error.WriteLineAsync(
                $"cruddur-silo: port {taken} is already in use (another silo?); set Orleans__SiloPort / Orleans__GatewayPort to free ports.");
            Environment.ExitCode = 2;
            return;
        }

        builder.AddCruddurTelemetry(defaultServiceName: "cruddur-silo");
        builder.UseOrleans(silo =>
        {
            silo.UseCruddurSilo(builder.Configuration);
            if (DashboardSettings.IsEnabled(builder.Configuration))
            {
                silo.AddDashboard(); // the Orleans Dashboard's grains and call profiling; the gateway serves its pages
            }
        });

        await builder.Build().RunAsync();
    }
}
