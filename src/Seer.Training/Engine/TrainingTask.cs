using Seer.Training.Options;

namespace Seer.Training.Engine;

/// <summary>
/// One task of the registry: its name, the metric that ranks models, its default architecture and how to make its
/// trainer (which is also its evaluator: validation and `seer model eval` share one code path).
/// </summary>
public sealed record TrainingTask(
    string Name,
    string PrimaryMetric,
    string DefaultArchitecture,
    Func<TrainingOptions, IReadOnlyList<string>, TrainerBase> CreateTrainer);
