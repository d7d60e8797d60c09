using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Hosting.Jobs.Kinds;
using Seer.Training.Options;

namespace Seer.Hosting.Training;

/// <summary>
/// The parameters of a "training" job: {"train": DS[@V], "val": DS[@V] (default: train), "task": detect|classify
/// (default detect), "architecture", "epochs", "image_size", "batch_size", "learning_rate", "max_batches_per_epoch",
/// "seed", "serve_as" (the served model name; default the model id)}; unset numbers take the training defaults.
/// </summary>
public sealed record TrainingJobParameters(DatasetRef Train, DatasetRef Val, TrainingOptions Options, string? ServeAs)
{
    private const string Kind = "training";

    public static TrainingJobParameters Parse(JsonElement p, int threads)
    {
        var train = DatasetRef.Parse(JobParameters.RequiredString(p, "train", Kind));
        var val = JobParameters.OptionalString(p, "val", Kind) is { Length: > 0 } v ? DatasetRef.Parse(v) : train;
        var defaults = new TrainingOptions();
        var options = defaults with
        {
            Task = JobParameters.OptionalString(p, "task", Kind) ?? "detect",
            Architecture = JobParameters.OptionalString(p, "architecture", Kind) ?? defaults.Architecture,
            Epochs = JobParameters.OptionalInt(p, "epochs", Kind, 1, 10_000) ?? defaults.Epochs,
            ImageSize = JobParameters.OptionalInt(p, "image_size", Kind, 16, 2048) ?? defaults.ImageSize,
            BatchSize = JobParameters.OptionalInt(p, "batch_size", Kind, 1, 4096) ?? defaults.BatchSize,
            LearningRate = JobParameters.OptionalNumber(p, "learning_rate", Kind) ?? defaults.LearningRate,
            MaxBatchesPerEpoch = JobParameters.OptionalInt(p, "max_batches_per_epoch", Kind, 0, 1_000_000) ?? 0,
            Seed = JobParameters.OptionalInt(p, "seed", Kind, 0, int.MaxValue) ?? defaults.Seed,
            Threads = threads,
        };
        options = TrainingOptionsLoader.WithTaskDefaults(options);
        TrainingOptionsValidator.Validate(options);
        return new TrainingJobParameters(train, val, options, JobParameters.OptionalString(p, "serve_as", Kind));
    }
}
