namespace Seer.ActiveLearning.Projects;

/// <summary>
/// An active-learning project: its task (classify or detect), label space (the class list of its training version),
/// the training, validation and optional test versions it started from, the mining pool, and its owner (a user name;
/// the server sets it, the CLI leaves it empty unless --owner is given).
/// </summary>
public sealed record Project
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required string Task { get; init; }
    public string? Owner { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Version ids (full) of the initial training set, validation set, test set and the pool.</summary>
    public required string TrainVersion { get; init; }
    public required string ValVersion { get; init; }
    public string? TestVersion { get; init; }
    public required string PoolVersion { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The dataset that receives the project's training versions (initial set merged with new labels).</summary>
    public string TrainDataset => Name + "-train";

    /// <summary>The dataset that receives each round's mined picks.</summary>
    public string MinedDataset => Name + "-mined";

    /// <summary>The dataset a round's labels are imported into (oracle or the labelling tool).</summary>
    public string LabelsDataset(int round) => $"{Name}-labels-r{round}";
}
