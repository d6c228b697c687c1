using Cruddur.Telemetry.Rollbar;

namespace Cruddur.Gateway.Endpoints;

/// <summary><c>/rollbar/test</c>: the original's check that Rollbar receives a warning.</summary>
public static class RollbarTestEndpoint
{
    public const string Message = "Hello World!";

    public static IEndpointRouteBuilder MapRollbarTest(this IEndpointRouteBuilder app)
    {
        // As the original: rollbar.report_message('Hello World!', 'warning'). Reported directly rather than logged,
        // so lowering ROLLBAR_MINIMUM_LEVEL cannot turn it into two items.
        app.MapGet("/rollbar/test", (IRollbarNotifier rollbar, HttpContext http) =>
        {
            rollbar.Message(Message, RollbarLevel.Warning, RollbarHttpRequest.From(http));
            return Results.Text(Message);
        });
        return app;
    }
}
