namespace Seer.Search;

/// <summary>What <see cref="SearchWorkspace.List"/> reports about a stored group.</summary>
public sealed record FeatureGroupInfo(string Name, FeatureGroupOptions Options, int Items);
