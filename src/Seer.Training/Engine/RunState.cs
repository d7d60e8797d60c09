namespace Seer.Training.Engine;

/// <summary>What a checkpoint holds besides weights and optimizer state: where the run is and what it has seen.</summary>
public sealed record RunState
{
    public int NextEpoch { get; init; }
    public long GlobalStep { get; init; }
    public double BestMetric { get; init; } = double.NegativeInfinity;
    public int BestEpoch { get; init; } = -1;
    public int EpochsWithoutImprovement { get; init; }
    public bool Stopped { get; init; }
    public Dictionary<string, object>? BestMetrics { get; init; }
    public List<EpochRecord> Curves { get; init; } = [];
    public string OptionsJson { get; init; } = "";

    /// <summary>Epochs the run plans (TrainingOptions.Epochs, or as re-planned by a time budget).</summary>
    public int PlannedEpochs { get; init; }
}
