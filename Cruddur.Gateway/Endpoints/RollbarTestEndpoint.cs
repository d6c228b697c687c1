namespace Cruddur.Gateway.Endpoints;

/// <summary><c>/rollbar/test</c>: the original's check that Rollbar receives a warning.</summary>
public static partial class RollbarTestEndpoint
{
    public const string Message = "Hello World!";

    public static IEndpointRouteBuilder MapRollbarTest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/rollbar/test", (ILoggerFactory loggers) =>
        {
            LogHelloWorld(loggers.CreateLogger("Cruddur.Gateway.RollbarTest"));
            return Results.Text(Message);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hello World!")]
    private static partial void LogHelloWorld(ILogger logger);
}
