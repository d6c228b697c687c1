var builder = DistributedApplication.CreateBuilder(args);

// The deployment's twin: one silo with localhost clustering, the gateway (Orleans client) on http://localhost:4567,
// under the service names compose, the README and the X-Ray group use. FRONTEND_URL / BACKEND_URL from the shell win.
var frontend = builder.Configuration["FRONTEND_URL"] ?? "http://localhost:3000,http://127.0.0.1:3000";
var backend = builder.Configuration["BACKEND_URL"] ?? "http://localhost:4567,http://127.0.0.1:4567";

// The Orleans Dashboard: its grains in the silo, its pages at http://localhost:4567/dashboard.
var silo = builder.AddProject<Projects.Cruddur_Silo>("cruddur-silo")
    .WithEnvironment("Cruddur__Dashboard", "true");

builder.AddProject<Projects.Cruddur_Gateway>("cruddur-gateway", launchProfileName: null)
    .WithHttpEndpoint(port: 4567, isProxied: false)
    .WithEnvironment("FRONTEND_URL", frontend)
    .WithEnvironment("BACKEND_URL", backend)
    // Local run: act as anyone with X-Cruddur-User (a stand-in for sign-in), and the API reference at /scalar.
    .WithEnvironment("Cruddur__TrustCallerHeader", "true")
    .WithEnvironment("Cruddur__Dashboard", "true")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
    .WaitFor(silo);

builder.Build().Run();
