namespace Seer.Training.Engine;

/// <summary>The outcome of a run: best-epoch metrics, the primary metric's value, curves and the best weights file.</summary>
public sealed record TrainingRunResult(
    string PrimaryMetric,
    double PrimaryValue,
    int BestEpoch,
    int EpochsRun,
    bool StoppedEarly,
    bool Completed,
    Dictionary<string, object> Metrics,
    IReadOnlyList<EpochRecord> Curves,
    string BestWeightsPath)
{
    /// <summary>Epochs the schedule was fitted to (TrainingOptions.Epochs without a time budget).</summary>
    public int PlannedEpochs { get; init; }

    /// <summary>Wall time of the run in seconds.</summary>
    public double WallSeconds { get; init; }
}
