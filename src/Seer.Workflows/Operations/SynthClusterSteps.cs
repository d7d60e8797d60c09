using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Synthesis;
using Seer.Imaging.Synthesis;
using Seer.Inference;
using Seer.Inference.Embeddings;
using Seer.Inference.Models;
using Seer.Search.Clustering;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Workflows.Operations;

/// <summary>
/// <c>synth</c> {name, backgrounds (a folder of photos), items (a classification version), classes?, count? (1000),
/// width? (256), height? (256), min_objects? (1), max_objects? (4), min_size? (24), max_size? (96), seed? (1)} →
/// {dataset, images, objects}: a composite detection version through the same <see cref="DatasetSynthesis"/> as
/// <c>seer dataset synth</c>.
/// </summary>
public sealed class SynthOperation : IFlowOperation
{
    public string Name => "synth";

    public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "name", "backgrounds", "items", "classes", "count", "width", "height", "min_objects", "max_objects", "min_size", "max_size", "seed");
        int N(string key, int fallback) => (int)(context.OptionalNumber(inputs, key) ?? fallback);
        var defaults = new CompositeOptions();
        var request = new SynthesisRequest(context.RequireString(inputs, "name"), Path.GetFullPath(context.RequireString(inputs, "backgrounds")),
            DatasetRef.Parse(context.RequireString(inputs, "items")))
        {
            Classes = inputs["classes"] is JsonArray c ? c.Select(x => x?.GetValue<string>() ?? throw context.Invalid("classes must be names")).ToList() : null,
            Count = N("count", 1000),
            Composite = defaults with
            {
                Width = N("width", defaults.Width), Height = N("height", defaults.Height),
                MinObjects = N("min_objects", defaults.MinObjects), MaxObjects = N("max_objects", defaults.MaxObjects),
                MinSize = N("min_size", defaults.MinSize), MaxSize = N("max_size", defaults.MaxSize), Seed = N("seed", defaults.Seed),
            },
        };
        using var workspace = Workspace.Open(context.Home);
        var commit = await new DatasetSynthesis(workspace).RunAsync(request, context.Progress, cancellationToken).ConfigureAwait(false);
        var snapshot = workspace.OpenSnapshot(new DatasetRef(commit.Version.Dataset, commit.Version.Version));
        int objects = snapshot.Images.Sum(i => i.Objects.Count);
        context.Card.Table(["dataset", "images", "objects", "classes"], [[snapshot.ToString(), snapshot.Images.Count, objects, string.Join(", ", snapshot.Classes)]], "synthesised");
        return new JsonObject { ["dataset"] = $"{commit.Version.Dataset}@{commit.Version.Version}", ["images"] = snapshot.Images.Count, ["objects"] = objects };
    }
}

/// <summary>
/// <c>cluster</c> {model (an embed model: registry id or .onnx), dataset, threshold? (0.6), method? (chinese-whispers),
/// k? (10), name? (the dataset)} → {dataset, clusters, singletons}: embeddings of every image, clusters over their
/// k-NN graph, each image tagged with its cluster — the same <see cref="Clusterer"/> and <see cref="ClusterLabels"/>
/// as <c>seer cluster</c>.
/// </summary>
public sealed class ClusterOperation : IFlowOperation
{
    public string Name => "cluster";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "model", "dataset", "threshold", "method", "k", "rerank", "rerank_k1", "name");
        var defaults = new ClusteringOptions();
        var options = defaults with
        {
            Threshold = (float)(context.OptionalNumber(inputs, "threshold") ?? defaults.Threshold),
            Method = context.OptionalString(inputs, "method") is { } m ? ClusterMethods.Parse(m) : defaults.Method,
            K = (int)(context.OptionalNumber(inputs, "k") ?? defaults.K),
            Rerank = context.OptionalBool(inputs, "rerank") ?? defaults.Rerank,
            RerankK1 = (int)(context.OptionalNumber(inputs, "rerank_k1") ?? defaults.RerankK1),
        };
        options.Validate();
        string model = context.RequireString(inputs, "model");
        using var workspace = Workspace.Open(context.Home);
        var snapshot = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "dataset")));
        using var onnx = ModelOpener.Open(context.ModelOnnx(model));
        var embeddings = SnapshotEmbeddings.Compute(snapshot, new Predictor(onnx), context.Progress, cancellationToken);
        var result = Clusterer.Run(embeddings.Vectors, embeddings.Dimension, options);
        var (images, classes) = ClusterLabels.Apply(snapshot.Images, result);
        string target = context.OptionalString(inputs, "name") ?? snapshot.Name;
        var parameters = ClusterLabels.Parameters(model, options, result);
        var commit = workspace.CommitVersion(target, images, [snapshot.Version], "cluster", parameters, classes);
        context.Card.Table(["cluster", "size", "cohesion"],
            result.Clusters.Take(50).Select(c => (IReadOnlyList<object?>)[ClusterLabels.Name(c.Number), c.Size, Math.Round(c.Cohesion, 4)]), "clusters");
        return Task.FromResult(new JsonObject
        {
            ["dataset"] = $"{commit.Version.Dataset}@{commit.Version.Version}", ["clusters"] = result.Clusters.Count, ["singletons"] = result.Singletons,
        });
    }
}
