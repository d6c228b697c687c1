namespace Cruddur.Telemetry.CloudWatch.Emf;

/// <summary>
/// One metric value for one set of dimension values. <paramref name="DimensionSets"/> lists the dimension
/// combinations CloudWatch aggregates it under (each a subset of <paramref name="Dimensions"/>' keys); empty means
/// one set of all the keys.
/// </summary>
internal sealed record EmfDatum(
    string Name,
    string Unit,
    IReadOnlyList<KeyValuePair<string, string>> Dimensions,
    EmfValue Value,
    IReadOnlyList<IReadOnlyList<string>>? DimensionSets = null)
{
    public IReadOnlyList<IReadOnlyList<string>> EffectiveDimensionSets =>
        DimensionSets is { Count: > 0 } sets ? sets : [Dimensions.Select(d => d.Key).ToArray()];
}
