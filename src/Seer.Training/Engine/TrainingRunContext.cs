using Seer.Core.Datasets;
using Seer.Core.Progress;

namespace Seer.Training.Engine;

/// <summary>
/// One training run: the data, the folder for its checkpoint and best weights, an optional starting point (transfer),
/// whether to resume from the folder's checkpoint, and where to report progress.
/// </summary>
public sealed record TrainingRunContext(DatasetSnapshot Train, DatasetSnapshot Val, string RunDirectory)
{
    /// <summary>Initial weights (an earlier model's weights file) and the class count of that model.</summary>
    public InitialWeights? Init { get; init; }

    /// <summary>Continue from RunDirectory/last.ckpt when it exists.</summary>
    public bool Resume { get; init; } = true;

    public IProgress<WorkProgress>? Progress { get; init; }

    /// <summary>Stop after this many epochs of this call (a simulated kill for tests); null = run to the end.</summary>
    public int? StopAfterEpochs { get; init; }

    /// <summary>The pretrained-weights store (&lt;home&gt;/pretrained); null = $SEER_HOME or ~/.seer's.</summary>
    public string? PretrainedDirectory { get; init; }
}

/// <summary>Weights to start from: a weights file written by Seer and the model it came from.</summary>
public sealed record InitialWeights(string WeightsPath, int Classes, string Architecture, int Width, int ImageSize);
