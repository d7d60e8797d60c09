using Seer.Core.Errors;

namespace Seer.Mining;

/// <summary>Settings of one mining run.</summary>
public sealed record MiningOptions
{
    public MiningStrategy Strategy { get; init; } = MiningStrategy.Entropy;

    /// <summary>How many images to pick.</summary>
    public int TopK { get; init; } = 100;

    /// <summary>Seed of the random strategy and of k-center's first pick when there are no labelled features.</summary>
    public int Seed { get; init; }

    /// <summary>How detections' uncertainties combine into the image score (see <see cref="DetectionAggregation"/>).</summary>
    public DetectionAggregation Aggregation { get; init; } = DetectionAggregation.Max;

    /// <summary>Minimum number of picked images per predicted class id (class-aware top-k for rare classes).</summary>
    public IReadOnlyDictionary<int, int> ClassQuotas { get; init; } = new Dictionary<int, int>();

    /// <summary>Content hashes never to pick (already labelled or mined).</summary>
    public IReadOnlySet<string> Exclude { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Two images whose perceptual hashes differ in at most this many bits are near-duplicates (default 4; -1 turns the check off).</summary>
    public int DuplicateHammingDistance { get; init; } = 4;

    /// <summary>Two images whose L2-normalised features are closer than this (Euclidean) are near-duplicates; null turns the check off.</summary>
    public double? DuplicateFeatureDistance { get; init; }

    /// <summary>Candidates read per chunk; the miner keeps at most a bounded shortlist between chunks.</summary>
    public int ChunkSize { get; init; } = 4096;

    /// <summary>The shortlist holds TopK × this many candidates (room for duplicates and quotas); at least 2.</summary>
    public int ShortlistFactor { get; init; } = 4;

    /// <summary>Combined strategy: the uncertainty pre-selection keeps TopK × this many before k-center (default 4).</summary>
    public int CombinedPreselectFactor { get; init; } = 4;

    /// <summary>Features of already labelled images: k-center treats them as existing centres (optional).</summary>
    public IReadOnlyList<float[]> LabelledFeatures { get; init; } = [];

    public void Validate()
    {
        void Fail(string what) => throw new SeerException(ErrorCodes.InvalidOptions, what);
        if (TopK <= 0) Fail($"--topk must be > 0 (was {TopK})");
        if (ChunkSize <= 0) Fail($"chunk size must be > 0 (was {ChunkSize})");
        if (ShortlistFactor < 2) Fail($"shortlist factor must be >= 2 (was {ShortlistFactor})");
        if (CombinedPreselectFactor < 1) Fail($"combined pre-selection factor must be >= 1 (was {CombinedPreselectFactor})");
        if (DuplicateHammingDistance > 64) Fail($"duplicate Hamming distance must be <= 64 (was {DuplicateHammingDistance})");
        if (DuplicateFeatureDistance is < 0) Fail($"duplicate feature distance must be >= 0 (was {DuplicateFeatureDistance})");
        foreach (var (cls, quota) in ClassQuotas)
            if (quota < 0 || cls < 0) Fail($"class quota {cls}={quota} is invalid: class ids and quotas must be >= 0");
        if (ClassQuotas.Values.Sum() > TopK) Fail($"class quotas add up to {ClassQuotas.Values.Sum()}, more than --topk {TopK}");
    }

    /// <summary>Parses a strategy as the CLI spells it (random, least-confidence, entropy, margin, consistency, diversity, combined).</summary>
    public static MiningStrategy ParseStrategy(string text) => text.Trim().ToLowerInvariant() switch
    {
        "random" => MiningStrategy.Random,
        "least-confidence" or "leastconfidence" or "lc" => MiningStrategy.LeastConfidence,
        "entropy" => MiningStrategy.Entropy,
        "margin" => MiningStrategy.Margin,
        "consistency" => MiningStrategy.Consistency,
        "diversity" => MiningStrategy.Diversity,
        "combined" => MiningStrategy.Combined,
        _ => throw new SeerException(ErrorCodes.InvalidOptions,
            $"unknown strategy '{text}'; use random, least-confidence, entropy, margin, consistency, diversity or combined"),
    };

    /// <summary>Parses a detection aggregation (max, mean, sum); errors name <paramref name="setting"/> (the CLI flag by default).</summary>
    public static DetectionAggregation ParseAggregation(string text, string setting = "--aggregate") => text.Trim().ToLowerInvariant() switch
    {
        "max" => DetectionAggregation.Max,
        "mean" => DetectionAggregation.Mean,
        "sum" => DetectionAggregation.Sum,
        _ => throw new SeerException(ErrorCodes.InvalidOptions, $"{setting} must be max, mean or sum (was '{text}')"),
    };

    public static string AggregationName(DetectionAggregation aggregation) => aggregation.ToString().ToLowerInvariant();

    public static string StrategyName(MiningStrategy strategy) => strategy switch
    {
        MiningStrategy.LeastConfidence => "least-confidence",
        _ => strategy.ToString().ToLowerInvariant(),
    };
}
