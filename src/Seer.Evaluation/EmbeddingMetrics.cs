namespace Seer.Evaluation;

/// <summary>What <see cref="EmbeddingEvaluator"/> measures (JSON keys in <see cref="ToJson"/> are the CLI's contract).</summary>
public sealed record EmbeddingMetrics(
    int Items, int Identities, int Queries,
    double RecallAt1, double RecallAt5, double MapAtR,
    IReadOnlyDictionary<string, double> TarAtFar, IReadOnlyDictionary<string, double> ThresholdAtFar,
    double Eer, int GenuinePairs, int ImpostorPairs)
{
    public Dictionary<string, object?> ToJson() => new()
    {
        ["recall_at_1"] = RecallAt1,
        ["recall_at_5"] = RecallAt5,
        ["map_at_r"] = MapAtR,
        ["tar_at_far"] = TarAtFar.ToDictionary(p => p.Key, p => p.Value),
        ["threshold_at_far"] = ThresholdAtFar.ToDictionary(p => p.Key, p => p.Value),
        ["eer"] = Eer,
        ["items"] = Items,
        ["identities"] = Identities,
        ["queries"] = Queries,
        ["genuine_pairs"] = GenuinePairs,
        ["impostor_pairs"] = ImpostorPairs,
    };
}
