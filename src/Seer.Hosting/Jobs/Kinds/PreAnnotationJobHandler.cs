using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Models;
using Seer.Inference;
using Seer.Inference.Annotation;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "pre-annotation" (<see cref="PreAnnotationParameters"/>): {"dataset" (NAME[@VERSION]), "model" (a served model's name), "threshold" (default 0.25),
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
        var p = Parse(parameters);
        _workspace.Resolve(JobParameters.Named(Kind, "dataset", () => DatasetRef.Parse(p.Dataset)));
        _models.Get(p.Model);
        if (p.Target is { } target) JobParameters.Named(Kind, "target", () => { Workspace.ValidateDatasetName(target); return 0; });
    }

    private PreAnnotationParameters Parse(JsonElement parameters)
    {
        var p = JobParameters.Parse<PreAnnotationParameters>(parameters, Kind);
        JobParameters.Range(Kind, "threshold", p.Threshold, 0, 1);
        return p;
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = Parse(context.Parameters);
        var snapshot = _workspace.OpenSnapshot(DatasetRef.Parse(p.Dataset));
        string modelName = p.Model;
        float threshold = (float)p.Threshold;
        string target = p.Target ?? snapshot.Name;
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
