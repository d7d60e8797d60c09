using Seer.Training.Engine;
using Seer.Training.Options;

namespace Seer.Training.Registry;

/// <summary>
/// A model in the registry (<c>&lt;home&gt;/models/&lt;id&gt;/model.json</c>): what it does, what it was trained on and
/// with, how it scored, its curves, the code version that made it, and its parent (transfer).
/// </summary>
public sealed record ModelRecord
{
    public required string Id { get; init; }

    /// <summary>training, ready or failed.</summary>
    public string Status { get; init; } = "training";

    public required string Task { get; init; }
    public required string Architecture { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public int ImageSize { get; init; }

    /// <summary>Per-channel mean and std applied to RGB/255 before the network (inference must do the same).</summary>
    public float[] NormalizationMean { get; init; } = [];
    public float[] NormalizationStd { get; init; } = [];

    /// <summary>Training and validation dataset versions as NAME@VERSION.</summary>
    public required string TrainDataset { get; init; }
    public required string ValDataset { get; init; }

    /// <summary>The resolved settings of the chosen parameter set.</summary>
    public required TrainingOptions Parameters { get; init; }

    /// <summary>Validation metrics of the best epoch of the chosen set (the evaluation keys: top1/... or AP/AP50/...).</summary>
    public Dictionary<string, object> Metrics { get; init; } = [];

    public string PrimaryMetric { get; init; } = "";
    public double PrimaryValue { get; init; }
    public int BestEpoch { get; init; }

    public IReadOnlyList<EpochRecord> Curves { get; init; } = [];

    /// <summary>Every parameter set the job tried, with its validation metric (best-of-N).</summary>
    public IReadOnlyList<CandidateRecord> Candidates { get; init; } = [];

    public string CodeVersion { get; init; } = "";
    public string? Parent { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public double TrainingSeconds { get; init; }

    /// <summary>Weights file name inside the model folder (an external model: its ONNX file, or its first file).</summary>
    public string WeightsFile { get; init; } = "weights.bin";

    /// <summary>Set when Seer did not train the model: an external trainer's stage registered with its files
    /// (<see cref="ExternalModels"/>); null for Seer's own models.</summary>
    public ExternalModelInfo? External { get; init; }
}

/// <summary>
/// Where an external model came from and what it holds: the trainer that made it (e.g. a YMIR executor's command),
/// the stage it is, its files (copied into the model folder), and the ONNX file and manifest when it has them.
/// </summary>
public sealed record ExternalModelInfo(string Source, string Stage, IReadOnlyList<string> Files, string? Onnx, string? Manifest);

/// <summary>One parameter set of a job and how it did.</summary>
public sealed record CandidateRecord(int Index, string? Source, double PrimaryValue, int BestEpoch, int EpochsRun, TrainingOptions Parameters);
