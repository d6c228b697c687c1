namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// Tests that start real service processes run one after another (alongside the in-process tests), so that on a
/// 2-core machine a dozen silos and gateways never start at once and starve each other's exporters.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
