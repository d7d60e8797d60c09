namespace Seer.Search;

/// <summary>What <see cref="SearchWorkspace.List"/> reports about a stored group; <see cref="Items"/> is null when
/// another process has the group open (its count cannot be read without its lock).</summary>
public sealed record FeatureGroupInfo(string Name, FeatureGroupOptions Options, int? Items);
