using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cruddur.Telemetry;

/// <summary>What every sink's <c>Add…Exporter</c> registers and how it reads its options: the same for all of them.</summary>
internal static class SinkServices
{
    /// <summary>The diagnostics writer, the sinks' meter (from the host's <c>IMeterFactory</c>) and the clock.</summary>
    public static IServiceCollection AddSinkServices(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => SinkDiagnostics.Default);
        services.TryAddSingleton<SinkMeter>();
        return services;
    }

    /// <summary>
    /// The sink's options, validated by its <see cref="IValidateOptions{TOptions}"/>; null when validation failed, said
    /// once on standard error: that sink is then off and the host runs on.
    /// </summary>
    public static TOptions? ValidOptions<TOptions>(this IServiceProvider services, string sink, string what)
        where TOptions : class
    {
        try
        {
            return services.GetRequiredService<IOptions<TOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            services.GetRequiredService<SinkDiagnostics>().ReportOnce(sink, "config", $"{what} is OFF: {string.Join("; ", ex.Failures)}.");
            return null;
        }
    }

    public static SinkMetrics Metrics(this IServiceProvider services, string sink) =>
        new(sink, services.GetRequiredService<SinkMeter>().Meter);
}
