using Cruddur.Grains;
using Cruddur.Grains.Hosting;
using Cruddur.Silo.Faults;
using Cruddur.Telemetry.Rollbar;
using Microsoft.Extensions.Configuration;

namespace Cruddur.Silo;

/// <summary>How a Cruddur silo is put together; the host and the tests' TestCluster both use it.</summary>
public static class SiloConfiguration
{
    public const string StorageName = "activities";

    public static ISiloBuilder UseCruddurSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var orleans = OrleansSettings.From(configuration);
        silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
        return silo.UseCruddurGrains();
    }

    /// <summary>Storage and tracing, without clustering (a TestCluster brings its own).</summary>
    public static ISiloBuilder UseCruddurGrains(this ISiloBuilder silo) => silo
        .AddMemoryGrainStorage(StorageName)
        .AddActivityPropagation()
        .AddIncomingGrainCallFilter<RollbarGrainCallFilter>()       // after propagation: the grain span is current
        .AddIncomingGrainCallFilter<FaultSwitchGrainCallFilter>();  // off unless Cruddur:Faults:ThrowForHandle is set
}
