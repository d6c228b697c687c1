using Cruddur.Grains.Hosting;
using Cruddur.Telemetry;
using Microsoft.Extensions.Hosting;

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
        builder.AddCruddurTelemetry(defaultServiceName: "cruddur-silo");
        builder.UseOrleans(silo => silo.UseCruddurSilo(builder.Configuration));

        await builder.Build().RunAsync();
    }
}
