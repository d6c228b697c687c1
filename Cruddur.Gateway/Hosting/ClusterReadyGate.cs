namespace Cruddur.Gateway.Hosting;

/// <summary>
/// Kestrel listens before the Orleans client has reached a silo (<c>ServicesStartConcurrently</c>). Until the client
/// has started — which the host signals as <c>ApplicationStarted</c> — an <c>/api</c> request cannot even name a grain,
/// so it is answered as the cluster being unavailable: a 503 problem+json, not a 500.
/// </summary>
public static class ClusterReadyGate
{
    public static IApplicationBuilder UseClusterReadyGate(this IApplicationBuilder app)
    {
        var started = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted;
        return app.Use((context, next) =>
            started.IsCancellationRequested || !context.Request.Path.StartsWithSegments("/api")
                ? next(context)
                : throw new SiloUnavailableException("The gateway has not reached a silo yet."));
    }
}
