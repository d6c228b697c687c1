namespace Cruddur.Grains.Models;

/// <summary>Who wrote something: the handle and the display name shown beside it.</summary>
[GenerateSerializer, Immutable]
public sealed record Person([property: Id(0)] string Handle, [property: Id(1)] string DisplayName);
