using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Mining;
using Seer.Training.Options;

namespace Seer.ActiveLearning.Iterations;

/// <summary>
/// How a round runs: the mining strategy and budget (images labelled per round), the oracle (a labelled copy of the
/// pool, matched by content hash) or the labelling tool for the hand-off, the training settings, and whether each
/// round fine-tunes the previous round's model (default) or trains from scratch. A round stores the settings it
/// started with; a resumed round continues with those.
/// </summary>
public sealed record IterationSettings
{
    public MiningStrategy Strategy { get; init; } = MiningStrategy.Entropy;
    public int TopK { get; init; } = 100;

    /// <summary>Dataset reference (NAME[@VERSION]) of the labelled copy of the pool; null = hand the picks to a labelling tool.</summary>
    public string? Oracle { get; init; }

    /// <summary>
    /// Without an oracle, where the picks are labelled: cvat or labelstudio (a task folder to hand off and import back)
    /// or seer (a labelling task in Seer's own annotation tool; the round continues when the task is committed).
    /// </summary>
    public string Tool { get; init; } = "cvat";

    /// <summary>Tool seer: the labellers the picks are split among (empty: the project's owner).</summary>
    public IReadOnlyList<string> Assignees { get; init; } = [];

    /// <summary>Tool seer: the reviewer who must accept every image before the task can be committed (null: no review).</summary>
    public string? Reviewer { get; init; }

    /// <summary>Seed of the random strategy and k-center's first pick (mixed with the round number).</summary>
    public int Seed { get; init; }

    /// <summary>Train every round from scratch instead of fine-tuning the previous round's model.</summary>
    public bool FromScratch { get; init; }

    /// <summary>Detections below this score are dropped before the uncertainty of an image is computed.</summary>
    public float DetectionScoreThreshold { get; init; } = 0.1f;

    /// <summary>Detectors: how an image's boxes make its score (max = the most uncertain box, mean, sum = favours crowded images).</summary>
    public DetectionAggregation Aggregation { get; init; } = DetectionAggregation.Max;

    public TrainingOptions Training { get; init; } = new();

    public void Validate()
    {
        if (TopK <= 0) throw new SeerException(ErrorCodes.InvalidOptions, $"--topk must be > 0 (was {TopK})");
        if (Tool is not ("cvat" or "labelstudio" or "seer"))
            throw new SeerException(ErrorCodes.InvalidOptions, $"--tool must be cvat, labelstudio or seer (was '{Tool}')");
        TrainingOptionsValidator.Validate(TrainingOptionsLoader.WithTaskDefaults(Training));
    }

    public JsonObject ToJson() => new()
    {
        ["strategy"] = MiningOptions.StrategyName(Strategy),
        ["topk"] = TopK,
        ["oracle"] = Oracle,
        ["tool"] = Tool,
        ["assignees"] = new JsonArray(Assignees.Select(a => (JsonNode?)a).ToArray()),
        ["reviewer"] = Reviewer,
        ["seed"] = Seed,
        ["from_scratch"] = FromScratch,
        ["detection_score_threshold"] = DetectionScoreThreshold,
        ["aggregate"] = MiningOptions.AggregationName(Aggregation),
        ["training"] = JsonNode.Parse(TrainingOptionsLoader.ToJson(Training)),
    };

    public static IterationSettings FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new IterationSettings
        {
            Strategy = MiningOptions.ParseStrategy(json["strategy"]!.GetValue<string>()),
            TopK = json["topk"]!.GetValue<int>(),
            Oracle = json["oracle"]?.GetValue<string>(),
            Tool = json["tool"]?.GetValue<string>() ?? "cvat",
            Assignees = json["assignees"] is JsonArray who ? who.Select(n => n!.GetValue<string>()).ToList() : [],
            Reviewer = json["reviewer"]?.GetValue<string>(),
            Seed = json["seed"]?.GetValue<int>() ?? 0,
            FromScratch = json["from_scratch"]?.GetValue<bool>() ?? false,
            DetectionScoreThreshold = json["detection_score_threshold"]?.GetValue<float>() ?? 0.1f,
            Aggregation = json["aggregate"] is { } a ? MiningOptions.ParseAggregation(a.GetValue<string>()) : DetectionAggregation.Max,
            Training = json["training"] is JsonObject t
                ? JsonSerializer.Deserialize<TrainingOptions>(t.ToJsonString(), TrainingOptionsLoader.Json)!
                : new TrainingOptions(),
        };
    }
}
