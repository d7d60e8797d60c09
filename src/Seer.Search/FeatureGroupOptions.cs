using System.Text.Json.Serialization;
using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>
/// The fixed settings of a feature group, chosen at creation and stored in <c>group.json</c>.
/// HNSW settings follow the paper's names: <see cref="M"/> links per node (2·M on the bottom layer),
/// <see cref="EfConstruction"/> candidates while inserting, <see cref="EfSearch"/> candidates while searching.
/// </summary>
public sealed record FeatureGroupOptions
{
    /// <summary>Vector dimension; every vector added or queried must have exactly this many values.</summary>
    public int Dimension { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<DistanceMetric>))]
    public DistanceMetric Metric { get; init; } = DistanceMetric.Cosine;

    [JsonConverter(typeof(JsonStringEnumConverter<IndexKind>))]
    public IndexKind Index { get; init; } = IndexKind.Exact;

    /// <summary>HNSW links per node on the upper layers (default 16).</summary>
    public int M { get; init; } = 16;

    /// <summary>HNSW candidate list size while inserting (default 200).</summary>
    public int EfConstruction { get; init; } = 200;

    /// <summary>HNSW candidate list size while searching (default 64; raised to k when k is larger).</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Seed of the HNSW level generator, so a build is reproducible.</summary>
    public int Seed { get; init; } = 42;

    [JsonConverter(typeof(JsonStringEnumConverter<VectorQuantization>))]
    public VectorQuantization Quantization { get; init; } = VectorQuantization.None;

    /// <summary>With int8 quantisation, how many candidates per requested result are re-ranked in float32 (default 8).</summary>
    public int RerankFactor { get; init; } = 8;

    /// <summary>Throws a SeerException naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Dimension is < 1 or > 65536)
            throw Invalid("--dim", Dimension, "must be between 1 and 65536");
        if (M is < 2 or > 256) throw Invalid("--m", M, "must be between 2 and 256");
        if (EfConstruction < 1) throw Invalid("--ef-construction", EfConstruction, "must be > 0");
        if (EfSearch < 1) throw Invalid("--ef-search", EfSearch, "must be > 0");
        if (RerankFactor < 1) throw Invalid("rerank factor", RerankFactor, "must be > 0");
        if (!Enum.IsDefined(Metric)) throw Invalid("--metric", Metric, "must be ip, cosine or l2");
        if (!Enum.IsDefined(Index)) throw Invalid("--index", Index, "must be exact or hnsw");
    }

    /// <summary>Parses the CLI spelling of a metric: ip, cosine or l2.</summary>
    public static DistanceMetric ParseMetric(string text) => text.Trim().ToLowerInvariant() switch
    {
        "ip" or "dot" or "innerproduct" => DistanceMetric.InnerProduct,
        "cosine" or "cos" => DistanceMetric.Cosine,
        "l2" or "euclidean" => DistanceMetric.L2,
        _ => throw new SeerException(ErrorCodes.InvalidOptions, $"--metric '{text}' is not a metric; use ip, cosine or l2"),
    };

    /// <summary>Parses the CLI spelling of an index kind: exact or hnsw.</summary>
    public static IndexKind ParseIndex(string text) => text.Trim().ToLowerInvariant() switch
    {
        "exact" or "flat" => IndexKind.Exact,
        "hnsw" => IndexKind.Hnsw,
        _ => throw new SeerException(ErrorCodes.InvalidOptions, $"--index '{text}' is not an index kind; use exact or hnsw"),
    };

    /// <summary>The CLI spelling of a metric.</summary>
    public static string MetricName(DistanceMetric metric) => metric switch
    {
        DistanceMetric.InnerProduct => "ip",
        DistanceMetric.Cosine => "cosine",
        _ => "l2",
    };

    private static SeerException Invalid(string setting, object value, string rule) =>
        new(ErrorCodes.InvalidOptions, $"feature group setting {setting} {rule} (was {value})");
}
