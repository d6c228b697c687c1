// The ceiling the benchmark measures Cruddur against: the same answer bytes as the real /api/activities/home (a file
// bench/run captured from the gateway), served from memory by Kestrel with nothing else on the path, logging at Warning.
//   dotnet Ceiling.dll --file home.json --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var body = await File.ReadAllBytesAsync(builder.Configuration["file"] ?? throw new ArgumentException("--file is required"));
var app = builder.Build();
app.MapGet("/api/activities/home", () => Results.Bytes(body, "application/json"));
app.Run();
