using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Cruddur.Gateway.Api;
using Cruddur.Grains.Models;

namespace Cruddur.Gateway.Json;

/// <summary>Source-generated JSON for the API's shapes: snake_case names, ISO times with an offset.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(IsoDateTimeOffsetConverter)])]
[JsonSerializable(typeof(ImmutableArray<Activity>))]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(Reply))]
[JsonSerializable(typeof(ImmutableArray<DirectMessage>))]
[JsonSerializable(typeof(DirectMessage))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(CreateActivityRequest))]
[JsonSerializable(typeof(CreateReplyRequest))]
[JsonSerializable(typeof(CreateMessageRequest))]
[JsonSerializable(typeof(Activity[]))]
[JsonSerializable(typeof(DirectMessage[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(HealthCheck))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

/// <summary>The original's health answer: <c>{"success": true, "ver": 1}</c>.</summary>
internal sealed record HealthCheck(bool Success, int Ver);
