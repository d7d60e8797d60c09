using System.Text.Json.Serialization;

namespace Seer.Evaluation;

/// <summary>
/// Agreement of a predicted clustering with the true identities over the same items (<c>seer eval clusters --json</c>).
/// Pairwise: over all unordered pairs of items, precision = pairs together in both / pairs together in the prediction,
/// recall = pairs together in both / pairs together in the truth. BCubed: per item, precision = share of its predicted
/// cluster that shares its identity, recall = share of its identity inside its predicted cluster, each averaged over
/// items. F is the harmonic mean; a ratio with nothing to count (e.g. no predicted pairs) is 0. Predicted singletons
/// (unlabelled items) count as clusters of one. <see cref="Clusters"/> counts predicted clusters of two or more.
/// </summary>
public sealed record ClusteringMetrics(
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("identities")] int Identities,
    [property: JsonPropertyName("clusters")] int Clusters,
    [property: JsonPropertyName("singletons")] int Singletons,
    [property: JsonPropertyName("pairwise_precision")] double PairwisePrecision,
    [property: JsonPropertyName("pairwise_recall")] double PairwiseRecall,
    [property: JsonPropertyName("pairwise_f")] double PairwiseF,
    [property: JsonPropertyName("bcubed_precision")] double BCubedPrecision,
    [property: JsonPropertyName("bcubed_recall")] double BCubedRecall,
    [property: JsonPropertyName("bcubed_f")] double BCubedF);
