using Cruddur.Gateway.Endpoints;
using Cruddur.Gateway.Errors;
using Cruddur.Gateway.Hosting;
using Cruddur.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://0.0.0.0:4567");
builder.AddCruddurTelemetry(defaultServiceName: "cruddur-gateway");
builder.UseOrleansClient(client => client.UseCruddurClient(builder.Configuration));
builder.Services.AddCruddurProblemDetails();
builder.Services.AddCruddurCors(builder.Configuration);
builder.Services.AddCruddurOpenApi();

var app = builder.Build();
app.UseXRayTraceHeader();
app.UseAccessLog();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors(CorsSetup.PolicyName);
app.MapActivities();
app.MapMessages();
app.MapUsers();
app.MapHealth();
app.MapRollbarTest();
app.MapCruddurOpenApi();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
