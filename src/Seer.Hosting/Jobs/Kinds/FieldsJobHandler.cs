using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Browse;
using Seer.Data.Operations;
using Seer.Evaluation;
using Seer.Hosting.Access;
using Seer.Hosting.Models;
using Seer.Hosting.Search;
using Seer.Inference;
using Seer.Inference.Processing;
using Seer.Mining.Fields;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "fields": {"dataset" (NAME[@VERSION]), "model" (a served model, optional), "k" (neighbours, default 10),
/// "threshold" (pHash bits for near duplicates, default 6)} computes per-image fields over a version and records each
/// as a run (Seer.Data.Browse.ImageBrowser) the data browser filters and sorts on: always `duplicates` (near-duplicate
/// group size by perceptual hash); with a model, `uniqueness` (feature-space neighbours, Seer.Mining.Fields), and for a
/// classifier `mistakenness` (1 − p(label)) and `correct` (top-1 = label, 0/1), for a detector `eval_tp`, `eval_fp`,
/// `eval_fn` (per-image matches at score 0.25, IoU 0.5, Seer.Evaluation). The model's feature vectors are kept as a
/// feature group (<see cref="VersionEmbeddings"/>) for "more like this" and the 2-D map. Resumable: a rerun records fresh runs.
/// </summary>
public sealed class FieldsJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly ModelCatalog _models;
    private readonly ImageBrowser _browser;
    private readonly VersionEmbeddings _embeddings;
    private readonly ResourceAccess _access;

    public FieldsJobHandler(Workspace workspace, ModelCatalog models, ImageBrowser browser, VersionEmbeddings embeddings, ResourceAccess access)
    {
        _workspace = workspace;
        _models = models;
        _browser = browser;
        _embeddings = embeddings;
        _access = access;
    }

    public string Kind => "fields";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var p = Parse(parameters);
        _workspace.Resolve(DatasetRef.Parse(p.Dataset));
        if (p.Model is { } model) _models.Get(model);
    }

    private FieldsParameters Parse(JsonElement parameters)
    {
        var p = JobParameters.Parse<FieldsParameters>(parameters, Kind);
        JobParameters.Range(Kind, "k", p.K, 1, 1000);
        JobParameters.Range(Kind, "threshold", p.Threshold, 0, 32);
        return p;
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken) =>
        Task.Run<object?>(() => Run(context, cancellationToken), cancellationToken);

    private object Run(JobContext context, CancellationToken cancellationToken)
    {
        var p = Parse(context.Parameters);
        var snapshot = _workspace.OpenSnapshot(DatasetRef.Parse(p.Dataset));
        var at = new DatasetRef(snapshot.Name, snapshot.Version);
        string? modelName = p.Model;
        int k = p.K ?? 10;
        int threshold = p.Threshold ?? 6;
        var recorded = new List<string>();
        string? embeddings = null;
        int n = snapshot.Images.Count;

        context.Report(new Core.Progress.WorkProgress("perceptual hashes", 0, n));
        var hashes = new DatasetOperations(_workspace).PerceptualHashes(snapshot, cancellationToken);
        var groups = DatasetOperations.NearDuplicateGroups(snapshot.Images.Select(i => hashes[i.ContentHash]).ToList(), threshold);
        var counts = groups.GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var sizes = groups.Select(g => counts[g]).ToArray();
        _browser.RecordFieldRun(at, "duplicates", "perceptual-hash groups (union-find)", new { threshold }, null, Values(sizes.Select(s => (double)s)));
        recorded.Add("duplicates");
        context.Log($"duplicates: {sizes.Count(s => s > 1)} of {n} images have a near duplicate within {threshold} bits");

        if (modelName is not null)
        {
            using var onnx = _models.Get(modelName).Load(context.CpuThreads);
            string task = onnx.Spec.Task;
            if (task is not ("classify" or "detect"))
                throw new SeerException(ErrorCodes.InvalidInput, $"fields job: model '{modelName}' is a {task} model; use a classifier or a detector", modelName);
            var predictor = new Predictor(onnx, new PredictorOptions
            {
                Features = onnx.Spec.FeaturesOutput is not null, ScoreThreshold = 0.05f, TopK = Math.Max(1, onnx.Spec.ClassNames.Count),
            });
            var features = new List<float[]>(n);
            var mistaken = new Dictionary<int, double>();
            var correct = new Dictionary<int, double>();
            var tp = new Dictionary<int, double>();
            var fp = new Dictionary<int, double>();
            var fn = new Dictionary<int, double>();
            int i = 0;
            foreach (var prediction in predictor.PredictStream(snapshot.Images.Select(img => new EncodedImage(img.FileName, Read(snapshot, img))), cancellationToken))
            {
                var image = snapshot.Images[i];
                if (prediction.Embedding is { } e) features.Add(e);
                if (image.IsLabelled && task == "classify" && image.Tags.Count == 1)
                {
                    var scores = prediction.Classes.Select(c => (c.Label, c.Score)).ToList();
                    if (SampleFields.Mistakenness(image.Tags[0], scores) is double m) mistaken[i] = m;
                    correct[i] = prediction.Classes.Count > 0 && prediction.Classes[0].Label == image.Tags[0] ? 1 : 0;
                }
                else if (image.IsLabelled && task == "detect")
                {
                    var dets = prediction.Detections.Select(d => new ObjectAnnotation(d.Label, d.Box) { Score = d.Score }).ToList();
                    var match = DetectionEvaluator.MatchObjects(image, dets, 0.25, 0.5);
                    tp[i] = match.Predictions.Count(s => s == MatchStatus.TruePositive);
                    fp[i] = match.Predictions.Count(s => s == MatchStatus.FalsePositive);
                    fn[i] = match.Truth.Count(s => s == MatchStatus.FalseNegative);
                }
                if (++i % 256 == 0) context.Report(new Core.Progress.WorkProgress("predict", i, n));
            }
            if (features.Count == n && n > 1)
            {
                // Kept for "more like this" and the version's map (Seer.Search, one group per version and model).
                _embeddings.Store(snapshot.Version, modelName, features);
                embeddings = VersionEmbeddings.GroupName(snapshot.Version, modelName);
                // The vectors describe the dataset's images: through /api/groups they are as private as the dataset.
                var owner = _access.Find(ResourceKinds.Dataset, snapshot.Name);
                _access.Claim(ResourceKinds.FeatureGroup, embeddings, owner?.Owner ?? Caller.LocalName, owner?.Shared ?? false);
                _browser.RecordFieldRun(at, "uniqueness", "mean cosine distance to the k nearest neighbours in the model's features, scaled to max 1", new { k }, modelName,
                    Values(SampleFields.Uniqueness(features, k)));
                recorded.Add("uniqueness");
            }
            else context.Warn($"model '{modelName}' gives no features; uniqueness not computed");
            void Record(string field, string method, object settings, Dictionary<int, double> values)
            {
                if (values.Count == 0) return;
                _browser.RecordFieldRun(at, field, method, settings, modelName, values);
                recorded.Add(field);
            }
            Record("mistakenness", "1 - the classifier's probability of the labelled class", new { }, mistaken);
            Record("correct", "top-1 class equals the label (1) or not (0)", new { }, correct);
            Record("eval_tp", "true positives at score 0.25, IoU 0.5", new { score = 0.25, iou = 0.5 }, tp);
            Record("eval_fp", "false positives at score 0.25, IoU 0.5", new { score = 0.25, iou = 0.5 }, fp);
            Record("eval_fn", "false negatives at score 0.25, IoU 0.5", new { score = 0.25, iou = 0.5 }, fn);
        }
        context.Log($"recorded {string.Join(", ", recorded)} over {snapshot.Name}@{snapshot.Version[..10]} ({n} images)");
        return new { Dataset = snapshot.Name, snapshot.Version, Model = modelName, Fields = recorded, Images = n, Embeddings = embeddings };
    }

    private static Dictionary<int, double> Values(IEnumerable<double> values) =>
        values.Select((v, i) => (v, i)).ToDictionary(x => x.i, x => x.v);

    private static byte[] Read(DatasetSnapshot snapshot, ImageRecord image)
    {
        using var s = snapshot.Blobs.OpenRead(image.ContentHash);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}

/// <summary>kind "fields": the version, an optional served model, neighbours and near-duplicate bits.</summary>
public sealed record FieldsParameters
{
    public required string Dataset { get; init; }
    public string? Model { get; init; }
    public int? K { get; init; }
    public int? Threshold { get; init; }
}
