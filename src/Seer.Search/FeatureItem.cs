namespace Seer.Search;

/// <summary>An item of a feature group: a unique id, its feature vector and optional metadata (any text, e.g. JSON).</summary>
public sealed record FeatureItem(string Id, float[] Vector, string? Metadata = null);
