using Cruddur.Grains.Models;

namespace Cruddur.Grains.State;

/// <summary>One post and its replies in grain storage; null until created and after it is reclaimed.</summary>
[GenerateSerializer, Immutable]
public sealed record ActivityState
{
    [Id(0)] public Activity? Activity { get; init; }
}
