namespace Cruddur.Grains.State;

/// <summary>Whether the store has been seeded.</summary>
[GenerateSerializer, Immutable]
public sealed record SeedState
{
    [Id(0)] public bool Seeded { get; init; }
}
