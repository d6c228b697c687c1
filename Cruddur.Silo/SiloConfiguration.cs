using Cruddur.Grains;
using Cruddur.ServiceDefaults;
using Cruddur.Silo.Faults;
using Cruddur.Telemetry.Rollbar;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Orleans.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Persistence;
using Orleans.Storage;
using StackExchange.Redis;

namespace Cruddur.Silo;

/// <summary>How a Cruddur silo is put together; the host and the tests' TestCluster both use it.</summary>
public static class SiloConfiguration
{
    /// <param name="silo">The silo being built.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="advertised">The address to advertise with Redis clustering; chosen here when not given.</param>
    public static ISiloBuilder UseCruddurSilo(this ISiloBuilder silo, IConfiguration configuration, AdvertisedAddress? advertised = null)
    {
        var orleans = OrleansSettings.From(configuration);
        if (orleans.RedisConnectionString is { } redis)
        {
            // The compose cluster: membership, grain state and reminders in Redis, several silos.
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis))
                .UseRedisGrainState(redis)
                .UseRedisReminderService(o => o.ConfigurationOptions = RedisStorage.Options(redis))
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId))
                .Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = orleans.SiloPort;
                    o.GatewayPort = orleans.GatewayPort;
                    o.AdvertisedIPAddress = (advertised ?? AdvertisedAddress.Choose(orleans)).Address;
                })
                .Configure<ClusterMembershipOptions>(ConfigureFailureDetection);
        }
        else
        {
            silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name)
                .UseInMemoryReminderService();
        }

        silo.UseCruddurGrains();
        if (!string.IsNullOrWhiteSpace(configuration[FaultSwitchGrainCallFilter.ConfigurationKey]))
        {
            // Only in a silo a test starts with the switch set (a production silo does not carry the filter at all),
            // and inside the error-reporting filter, which reports what it throws.
            silo.AddIncomingGrainCallFilter<FaultSwitchGrainCallFilter>();
        }

        return silo;
    }

    /// <summary>Tracing, the grains' clock, seeding and error reporting, without clustering or storage (a TestCluster brings its own).</summary>
    public static ISiloBuilder UseCruddurGrains(this ISiloBuilder silo)
    {
        silo.Services.TryAddKeyedSingleton(GrainStorage.ClockKey, TimeProvider.System);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SeedOnStart>();
        // Idle grains leave memory after 10 minutes; grains read for something that does not exist leave at once.
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(10));
        // The grain directory's location cache outlives the activations it points to and holds up to a million
        // entries by default (about 100 bytes each here): a flood of random ids grew the silo by 200 MB through it
        // (bench/random-handles, dotnet-gcdump). 50,000 recent locations bound it to a few MB.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 50_000);
        return silo.AddActivityPropagation()
            .AddIncomingGrainCallFilter<RollbarGrainCallFilter>(); // after propagation: the grain span is current
    }

    /// <summary>Everything but clustering, with in-memory storage and reminders: what a TestCluster silo needs.</summary>
    public static ISiloBuilder UseCruddurGrainsInMemory(this ISiloBuilder silo) =>
        silo.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService().UseCruddurGrains();

    /// <summary>
    /// Grain state in Redis through one connection that the tracer also watches, so every storage call is a Redis span
    /// under the grain call that made it.
    /// </summary>
    private const string RedisProviderName = "cruddur-redis";

    private static ISiloBuilder UseRedisGrainState(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisStorage.Options(connectionString)));
        silo.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddRedisInstrumentation());
        silo.Services.AddRedisGrainStorage(RedisProviderName, (OptionsBuilder<RedisStorageOptions> options) => options.Configure<IServiceProvider>((o, services) =>
        {
            o.ConfigurationOptions = RedisStorage.Options(connectionString);
            o.CreateMultiplexer = _ => Task.FromResult((services.GetRequiredService<IConnectionMultiplexer>(), IsShared: true));
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>());
            o.DeleteStateOnClear = true; // reclaimed posts leave no key behind
        }));
        silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (services, _) =>
            new UnavailableOnFailureStorage(services.GetRequiredKeyedService<IGrainStorage>(RedisProviderName)));
        return silo;
    }

    /// <summary>
    /// A dead silo is declared dead after about 2 missed probes of 2 s instead of Orleans' more patient defaults,
    /// so the grains it hosted reactivate elsewhere within seconds.
    /// </summary>
    private static void ConfigureFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }
}
