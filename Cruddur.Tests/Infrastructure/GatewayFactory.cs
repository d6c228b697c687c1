using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Cruddur.Tests.Infrastructure;

/// <summary>The real gateway (its Program) in-process, with its Orleans client pointed at a TestCluster.</summary>
public sealed class GatewayFactory(TestCluster cluster, Action<IServiceCollection>? services = null, bool trustCallerHeader = true)
    : WebApplicationFactory<Program>
{
    public const string FrontendOrigin = "http://localhost:3000";
    public const string BackendOrigin = "http://localhost:4567";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:ClusterId", cluster.Options.ClusterId);
        builder.UseSetting("Orleans:ServiceId", cluster.Options.ServiceId);
        builder.UseSetting("Orleans:GatewayPort", cluster.Options.BaseGatewayPort.ToString());
        builder.UseSetting("Orleans:ResponseTimeout", "00:00:05");
        builder.UseSetting("FRONTEND_URL", FrontendOrigin);
        builder.UseSetting("BACKEND_URL", BackendOrigin);
        builder.UseSetting("Cruddur:TrustCallerHeader", trustCallerHeader ? "true" : "false");
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }
}
