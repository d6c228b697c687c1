using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Cruddur.Gateway.Api;

/// <summary>
/// Reads a request body as JSON of one shape. A body that is not JSON, or JSON of another shape, is a 400
/// problem+json; one larger than <see cref="MaxBytes"/> a 413; never a 500.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : class
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"A body is at most {MaxBytes} bytes."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted);
            return value is null ? (null, Malformed()) : (value, null);
        }
        catch (JsonException)
        {
            return (null, Malformed());
        }
        catch (BadHttpRequestException exception)
        {
            return (null, ApiResults.Problem(exception.StatusCode, "Bad Request", "The request body could not be read."));
        }
    }

    private static IResult Malformed() =>
        ApiResults.Problem(StatusCodes.Status400BadRequest, "Malformed body", "The body must be a JSON object of the documented shape.");
}
