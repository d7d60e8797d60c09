namespace Seer.Hosting.Jobs.Kinds;

// The typed parameters of each built-in job kind (JSON keys are the snake_case names; see docs/jobs.md).
// Read with JobParameters.Parse, which refuses unknown keys, missing required ones and values of the wrong type.

/// <summary>kind "import": read a folder or .zip in a format and commit a version of the dataset.</summary>
public sealed record ImportParameters
{
    public required string Dataset { get; init; }
    public required string Format { get; init; }
    public required string Path { get; init; }
}

/// <summary>kind "export": write a version (NAME[@VERSION]) in a format into a new folder.</summary>
public sealed record ExportParameters
{
    public required string Dataset { get; init; }
    public required string Format { get; init; }
    public required string Output { get; init; }
}

/// <summary>
/// kind "evaluation": either a registry model on a dataset (<c>model</c> + <c>dataset</c>) or a COCO results file
/// against COCO ground truth (<c>ground_truth</c> + <c>results</c> + <c>protocol</c>).
/// </summary>
public sealed record EvaluationParameters
{
    public string? Model { get; init; }
    public string? Dataset { get; init; }
    public string? GroundTruth { get; init; }
    public string? Results { get; init; }

    /// <summary>coco, voc07 or voc12.</summary>
    public string Protocol { get; init; } = "coco";
}

/// <summary>kind "pre-annotation": a served model's predictions become a version's annotations.</summary>
public sealed record PreAnnotationParameters
{
    public required string Dataset { get; init; }
    public required string Model { get; init; }
    public double Threshold { get; init; } = 0.25;

    /// <summary>The dataset to write (default: the same).</summary>
    public string? Target { get; init; }
}

/// <summary>kind "mining": rank a pool's unlabelled images with a served model and commit the top k.</summary>
public sealed record MiningParameters
{
    public required string Pool { get; init; }
    public required string Model { get; init; }
    public required int Topk { get; init; }
    public string Strategy { get; init; } = "entropy";

    /// <summary>The dataset the picks are committed to (default POOL-mined).</summary>
    public string? Into { get; init; }

    /// <summary>Detections below this score are ignored when scoring an image.</summary>
    public double Threshold { get; init; } = 0.1;
    public int Seed { get; init; }

    /// <summary>Detectors: max, mean or sum of the boxes' uncertainty.</summary>
    public string Aggregate { get; init; } = "max";

    /// <summary>Store the model's predictions on the picks as pre-annotations (as <c>seer mine --pre-annotate</c>).</summary>
    public bool PreAnnotate { get; init; }
}

/// <summary>
/// kind "training": the datasets and the served name; every training setting (<c>TrainingOptions</c>, snake_case, e.g.
/// <c>epochs</c>, <c>image_size</c>, <c>weight_decay</c>) is accepted beside these.
/// </summary>
public sealed record TrainingParameters
{
    public required string Train { get; init; }

    /// <summary>Validation dataset (default: train).</summary>
    public string? Val { get; init; }

    /// <summary>The served model's name (default: the model id).</summary>
    public string? ServeAs { get; init; }
}

/// <summary>
/// kind "iteration": bring a project to a round. Unset keys keep the project's latest round's settings; every training
/// setting (snake_case) is accepted beside these and overrides the latest round's training settings.
/// </summary>
public sealed record IterationParameters
{
    public required string Project { get; init; }

    /// <summary>The round to reach (0 = the initial model).</summary>
    public required int Round { get; init; }
    public string? Strategy { get; init; }
    public int? Topk { get; init; }

    /// <summary>A labelled copy of the pool (NAME[@VERSION]); null or "" clears the latest round's oracle (labels by hand-off).</summary>
    public string? Oracle { get; init; }

    /// <summary>cvat, labelstudio or seer (a labelling task in Seer): how labels come without an oracle.</summary>
    public string? Tool { get; init; }

    /// <summary>Tool seer: the labellers the picks are split among (default: the job's creator).</summary>
    public IReadOnlyList<string>? Assignees { get; init; }

    /// <summary>Tool seer: the reviewer; null or "" clears the latest round's.</summary>
    public string? Reviewer { get; init; }
    public int? Seed { get; init; }
    public bool? FromScratch { get; init; }

    /// <summary>Detectors: max, mean or sum.</summary>
    public string? Aggregate { get; init; }
}
