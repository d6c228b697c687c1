using Cruddur.Gateway.Json;
using Scalar.AspNetCore;

namespace Cruddur.Gateway.Hosting;

/// <summary>The API described at <c>/openapi/v1.json</c>, and a browsable reference at <c>/scalar</c> in Development.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddCruddurOpenApi(this IServiceCollection services)
    {
        // The document describes the shapes the API really writes: the source-generated, snake_case contract.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        return services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Cruddur";
            document.Info.Description = "The Cruddur timeline API: post, reply, follow and message.";
            return Task.CompletedTask;
        }));
    }

    public static WebApplication MapCruddurOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
