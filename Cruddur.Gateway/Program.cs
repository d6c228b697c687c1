using Cruddur.Gateway.Endpoints;
using Cruddur.Gateway.Errors;
using Cruddur.Gateway.Hosting;
using Cruddur.ServiceDefaults;
using Cruddur.Telemetry;

return await HostRunner.RunAsync("cruddur-gateway", async () =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        ContentRootPath = ContentRoot.ApplicationFolder(args),
    });
    builder.UseDefaultUrl("http://0.0.0.0:4567");
    builder.AddCruddurTelemetry(defaultServiceName: "cruddur-gateway");
    builder.UseOrleansClient(client => client.UseCruddurClient(builder.Configuration).AddCruddurDashboard(builder.Configuration));
    // Kestrel listens from the start, while the Orleans client still waits for a silo: until one answers, /health and
    // the routes answer 503 instead of refusing connections.
    builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
    builder.Services.AddCruddurProblemDetails();
    builder.Services.AddCruddurCors(builder.Configuration);
    builder.Services.AddCruddurOpenApi();
    builder.Services.AddCruddurHealthChecks();
    builder.Services.AddShutdownDrain();
    builder.Services.AddHostedService<StartupReport>();
    builder.Services.AddSingleton<Cruddur.Gateway.Api.CallerSettings>();

    var app = builder.Build();
    app.EnsurePortsFree();
    app.UseShutdownDrain();
    app.UseXRayTraceHeader();
    app.UseAccessLog();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseCruddurCors();
    app.UseClusterReadyGate();
    app.UseCruddurDashboardGate();
    app.MapActivities();
    app.MapMessages();
    app.MapUsers();
    app.MapHealth();
    app.MapRollbarTest();
    app.MapCruddurOpenApi();
    app.MapCruddurDashboard();
    await app.RunAsync();
});

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
