using Seer.Core.Errors;

namespace Seer.Training.Engine;

/// <summary>Task name → trainer/evaluator. Adding a task is one line here plus its trainer; the loop is untouched.</summary>
public static class TaskRegistry
{
    private static readonly Dictionary<string, TrainingTask> Tasks = new(StringComparer.Ordinal)
    {
        ["classify"] = new("classify", "top1", "small-cnn", (o, classes) => new ClassificationTrainer(o, classes)),
        ["detect"] = new("detect", "AP", "fcos-lite", (o, classes) => new DetectionTrainer(o, classes)),
        ["embed"] = new("embed", "map_at_r", "small-cnn", (o, classes) => new EmbeddingTrainer(o, classes)),
    };

    public static IReadOnlyCollection<string> Names => Tasks.Keys;

    public static TrainingTask Get(string name) =>
        Tasks.TryGetValue(name, out TrainingTask? task)
            ? task
            : throw new SeerException(ErrorCodes.InvalidOptions,
                $"TrainingOptions.Task must be one of {string.Join(", ", Tasks.Keys)} (was {name}); set --task");
}
