using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Hosting.Jobs;
using Seer.Hosting.Jobs.Kinds;
using Seer.Training.Options;

namespace Seer.Hosting.Training;

/// <summary>
/// The resolved parameters of a "training" job (<see cref="TrainingParameters"/>): {"train": DS[@V], "val": DS[@V]
/// (default: train), "serve_as" (the served model name; default the model id)} and any training setting in
/// snake_case ("task" (default detect), "architecture", "epochs", "image_size", "weight_decay", ... every
/// <see cref="TrainingOptions"/> property), read by <see cref="TrainingOptionsLoader"/>; unset ones take the defaults.
/// "threads" and "device" come from the job's cpu_threads and GPU slot.
/// </summary>
public sealed record TrainingJobParameters(DatasetRef Train, DatasetRef Val, TrainingOptions Options, string? ServeAs)
{
    private const string Kind = "training";

    public static TrainingJobParameters Parse(JsonElement parameters, int threads)
    {
        var (p, training) = JobParameters.ParseWithTraining<TrainingParameters>(parameters, Kind);
        var train = JobParameters.Named(Kind, "train", () => DatasetRef.Parse(p.Train));
        var val = p.Val is { Length: > 0 } v ? JobParameters.Named(Kind, "val", () => DatasetRef.Parse(v)) : train;
        var options = TrainingOptionsLoader.Resolve(new TrainingOptions { Task = "detect", Threads = threads }, training, SettingsSource.Job(Kind));
        return new TrainingJobParameters(train, val, options, p.ServeAs);
    }
}
