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
    string BestWeightsPath);
