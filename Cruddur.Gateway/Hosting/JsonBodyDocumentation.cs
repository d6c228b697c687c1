using Microsoft.OpenApi;

namespace Cruddur.Gateway.Hosting;

public static class JsonBodyDocumentation
{
    /// <summary>
    /// Documents a JSON request body that the handler reads itself (<see cref="Api.JsonBody"/>). Unlike
    /// <c>Accepts&lt;T&gt;</c>, this adds no content-type constraint to routing, so a body sent with another content type
    /// still reaches the handler and gets its 400 or 422 instead of a 415.
    /// </summary>
    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
