using Seer.Core.Errors;
using Seer.Training.Options;

namespace Seer.Training.Registry;

/// <summary>What <see cref="ExternalModels.Register"/> needs: the files of one stage, what the model does, how it scored.</summary>
public sealed record ExternalModelRegistration
{
    /// <summary>classify, detect or embed.</summary>
    public required string Task { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    /// <summary>Network input size (square side), 0 when unknown.</summary>
    public int ImageSize { get; init; }
    /// <summary>The stage's files (absolute paths); copied into the model folder under their file names.</summary>
    public required IReadOnlyList<string> Files { get; init; }
    /// <summary>Metric keys to record (e.g. {"mAP": 0.71}); <see cref="PrimaryMetric"/> must be one of them.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
    public required string PrimaryMetric { get; init; }
    public required string TrainDataset { get; init; }
    public required string ValDataset { get; init; }
    /// <summary>Who made it (the executor's command line).</summary>
    public required string Source { get; init; }
    public required string Stage { get; init; }
    public double TrainingSeconds { get; init; }
}

/// <summary>
/// Registers models Seer did not train (an external trainer's output, e.g. a YMIR executor's best stage) in the same
/// registry as Seer's own: a folder <c>models/&lt;id&gt;/</c> with the stage's files and a <c>model.json</c> whose
/// <see cref="ModelRecord.External"/> says where it came from. An ONNX file among the files (with its manifest
/// <c>NAME.seer.json</c> beside it, the keys of an external model's manifest) makes it usable by prediction and
/// evaluation through ONNX Runtime; <see cref="Onnx.RegistryOnnxExport.ExportCached"/> returns that file.
/// </summary>
public static class ExternalModels
{
    /// <summary>The architecture name every external model carries.</summary>
    public const string Architecture = "external";

    public static ModelRecord Register(FileModelRegistry registry, ExternalModelRegistration request)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Files.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"stage '{request.Stage}' of {request.Source} lists no files to register");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in request.Files)
        {
            if (!File.Exists(file))
                throw new SeerException(ErrorCodes.InvalidInput, $"stage '{request.Stage}' lists '{file}', which does not exist", file);
            string name = Path.GetFileName(file);
            if (name is "model.json" or "" || !names.Add(name))
                throw new SeerException(ErrorCodes.InvalidInput, $"stage '{request.Stage}': two files are named '{name}' (or it is model.json); file names must be unique", file);
        }
        if (!request.Metrics.ContainsKey(request.PrimaryMetric))
            throw new SeerException(ErrorCodes.InvalidInput, $"stage '{request.Stage}' has no metric '{request.PrimaryMetric}'");
        string? onnx = request.Files.Select(Path.GetFileName).FirstOrDefault(n => n!.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase));
        string? manifest = onnx is null ? null : Path.GetFileNameWithoutExtension(onnx) + ".seer.json";
        if (manifest is not null && !names.Contains(manifest))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"stage '{request.Stage}' has '{onnx}' but no manifest '{manifest}' beside it (the keys of an external model's manifest: task, class_names, input_width, ...)",
                request.Files.First(f => Path.GetFileName(f) == onnx));

        string id = registry.Create();
        string folder = registry.Folder(id);
        try
        {
            foreach (string file in request.Files) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            var record = new ModelRecord
            {
                Id = id,
                Status = "ready",
                Task = request.Task,
                Architecture = Architecture,
                Classes = request.Classes,
                ImageSize = request.ImageSize,
                TrainDataset = request.TrainDataset,
                ValDataset = request.ValDataset,
                Parameters = new TrainingOptions { Task = request.Task },
                Metrics = request.Metrics.ToDictionary(p => p.Key, p => (object)p.Value, StringComparer.Ordinal),
                PrimaryMetric = request.PrimaryMetric,
                PrimaryValue = request.Metrics[request.PrimaryMetric],
                CodeVersion = request.Source,
                CreatedAt = DateTimeOffset.UtcNow,
                TrainingSeconds = request.TrainingSeconds,
                WeightsFile = onnx ?? Path.GetFileName(request.Files[0]),
                External = new ExternalModelInfo(request.Source, request.Stage, request.Files.Select(f => Path.GetFileName(f)).ToList(), onnx, manifest),
            };
            registry.Save(record);
            return record;
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }
}
