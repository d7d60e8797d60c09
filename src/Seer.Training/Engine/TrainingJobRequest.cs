using Seer.Core.Datasets;
using Seer.Training.Options;

namespace Seer.Training.Engine;

/// <summary>
/// A training job: the data, one or more parameter sets (best-of-N by the validation metric), an optional parent model
/// to start from (transfer) and an optional model id to resume (its checkpoints continue).
/// </summary>
public sealed record TrainingJobRequest(DatasetSnapshot Train, DatasetSnapshot Val, IReadOnlyList<ParameterSet> ParameterSets)
{
    public string? Parent { get; init; }
    public string? ResumeModel { get; init; }

    /// <summary>Stop every set after this many epochs of this call (simulated kill, for tests).</summary>
    public int? StopAfterEpochs { get; init; }

    /// <summary>The pretrained-weights store (&lt;home&gt;/pretrained) for TrainingOptions.Pretrained; null = $SEER_HOME or ~/.seer's.</summary>
    public string? PretrainedDirectory { get; init; }
}

/// <summary>One parameter set and where it came from (a params file path, or null for the command line).</summary>
public sealed record ParameterSet(TrainingOptions Options, string? Source = null)
{
    /// <summary>What the recipe advisor chose for this set and why (written to the run folder's recipe.json).</summary>
    public IReadOnlyList<RecipeChoice> Choices { get; init; } = [];
}
