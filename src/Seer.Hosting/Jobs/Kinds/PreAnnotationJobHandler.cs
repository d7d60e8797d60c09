using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Models;
using Seer.Inference;
using Seer.Inference.Annotation;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "pre-annotation": {"dataset" (NAME[@VERSION]), "model" (a served model's name), "threshold" (default 0.25),
/// "target" (dataset to write, default the same)} runs the model over every image and commits a version whose
/// annotations are the predictions (source "predicted", with scores). Resumable: committing identical content
/// returns the existing version.
/// </summary>
public sealed class PreAnnotationJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly ModelCatalog _models;

    public PreAnnotationJobHandler(Workspace workspace, ModelCatalog models)
    {
        _workspace = workspace;
        _models = models;
    }

    public string Kind => "pre-annotation";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        _workspace.Resolve(DatasetRef.Parse(JobParameters.RequiredString(parameters, "dataset", Kind)));
        _models.Get(JobParameters.RequiredString(parameters, "model", Kind));
        if (JobParameters.OptionalString(parameters, "target", Kind) is { } target) Workspace.ValidateDatasetName(target);
        if (JobParameters.OptionalNumber(parameters, "threshold", Kind) is { } t && (t < 0 || t > 1))
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput, $"pre-annotation job: threshold {t} is outside 0..1", "threshold");
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
        var snapshot = _workspace.OpenSnapshot(DatasetRef.Parse(JobParameters.RequiredString(p, "dataset", Kind)));
        string modelName = JobParameters.RequiredString(p, "model", Kind);
        float threshold = (float)(JobParameters.OptionalNumber(p, "threshold", Kind) ?? 0.25);
        string target = JobParameters.OptionalString(p, "target", Kind) ?? snapshot.Name;
        var model = _models.Get(modelName);
        using var onnx = model.Load(context.CpuThreads);
        var predictor = new Predictor(onnx, new PredictorOptions { ScoreThreshold = threshold });
        context.Log($"pre-annotating {snapshot} ({snapshot.Images.Count} images) with {modelName} at threshold {threshold}");
        var images = await PreAnnotator.AnnotateAsync(snapshot, predictor, context, cancellationToken).ConfigureAwait(false);
        var commit = _workspace.CommitVersion(target, images, [snapshot.Version], "pre-annotate",
            new SortedDictionary<string, object>(StringComparer.Ordinal) { ["model"] = modelName, ["threshold"] = threshold, ["source"] = snapshot.ToString() });
        int objects = images.Sum(i => i.Objects.Count);
        context.Log($"{target}@{commit.Version.Version}: {objects} predicted objects");
        return new { Dataset = target, commit.Version.Version, commit.Created, Images = images.Count, Objects = objects, Model = modelName };
    }
}
