var builder = DistributedApplication.CreateBuilder(args);

// One silo with localhost clustering; the gateway (Orleans client) on http://localhost:4567.
var silo = builder.AddProject<Projects.Cruddur_Silo>("silo");

builder.AddProject<Projects.Cruddur_Gateway>("gateway", launchProfileName: null)
    .WithHttpEndpoint(port: 4567, isProxied: false)
    .WithEnvironment("FRONTEND_URL", "http://localhost:3000")
    .WithEnvironment("BACKEND_URL", "http://localhost:4567")
    // Local run: act as anyone with X-Cruddur-User (a stand-in for sign-in), and the API reference at /scalar.
    .WithEnvironment("Cruddur__TrustCallerHeader", "true")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
    .WaitFor(silo);

builder.Build().Run();
