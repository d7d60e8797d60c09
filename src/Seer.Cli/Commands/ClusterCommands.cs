using System.CommandLine;
using System.Globalization;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Inference;
using Seer.Inference.Embeddings;
using Seer.Inference.Models;
using Seer.Search;
using Seer.Search.Clustering;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer cluster DS[@V] --model MODEL [--threshold T] [--method M] [--k K] [--rerank [--rerank-k1 K1]] [--name OUT] --json</c>: an embed
/// model's features of every image → k-NN graph (HNSW; k-reciprocal re-ranked with --rerank) → clusters → a new version whose images carry their cluster as a tag.
/// Glue only: Seer.Inference embeds, Seer.Search.Clustering clusters, Seer.Data commits.
/// </summary>
public sealed class ClusterCommands : ICommandFactory
{
    public Command Create()
    {
        var dataset = new Argument<string>("DATASET") { Description = "Dataset version: NAME (latest) or NAME@VERSION" };
        var model = new Option<string>("--model") { Description = "Feature (embed) model: an .onnx file or a model registry id", Required = true };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest for an external ONNX model" };
        var threshold = new Option<float>("--threshold") { Description = "Cosine similarity linking two images and merging two cluster centres (default 0.6)", DefaultValueFactory = _ => 0.6f };
        var method = new Option<string>("--method") { Description = "chinese-whispers (default), linkage, infomap, density or components", DefaultValueFactory = _ => "chinese-whispers" };
        var k = new Option<int>("--k") { Description = "Neighbours per image in the k-NN graph (default 10)", DefaultValueFactory = _ => 10 };
        var rerank = new Option<bool>("--rerank") { Description = "Re-rank the k-NN graph by k-reciprocal neighbourhoods (Jaccard, Zhong et al. 2017) before clustering; the threshold then applies to that similarity" };
        var rerankK1 = new Option<int>("--rerank-k1") { Description = "With --rerank: the k of the k-reciprocal neighbourhoods, best near the images per identity (default 10)", DefaultValueFactory = _ => 10 };
        var name = new Option<string?>("--name") { Description = "Dataset to write the clustered version to (default: a new version of DATASET)" };
        var command = new Command("cluster", "Cluster a dataset version's images by an embed model's features; write a version tagged cluster-0001...");
        command.Arguments.Add(dataset);
        foreach (var o in new Option[] { model, manifest, threshold, method, k, rerank, rerankK1, name }) command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            var options = new ClusteringOptions
            {
                Threshold = parse.GetValue(threshold),
                Method = ClusterMethods.Parse(parse.GetValue(method)!),
                K = parse.GetValue(k),
                Rerank = parse.GetValue(rerank),
                RerankK1 = parse.GetValue(rerankK1),
            };
            options.Validate();
            string home = GlobalOptions.ResolveHome(parse);
            using var workspace = Workspace.Open(home);
            var snapshot = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(dataset)!));
            Func<string, string?>? resolver = PredictCommands.ResolveRegistryId is { } r ? id => r(home, id) : null;
            using var onnx = ModelOpener.Open(parse.GetValue(model)!, parse.GetValue(manifest), resolver);
            var predictor = new Predictor(onnx);
            var embeddings = await CliProgress.RunAsync(!json, "embedding",
                progress => Task.Run(() => SnapshotEmbeddings.Compute(snapshot, predictor, progress, ct), ct)).ConfigureAwait(false);
            var result = Clusterer.Run(embeddings.Vectors, embeddings.Dimension, options);
            var (images, classes) = ClusterLabels.Apply(snapshot.Images, result);
            string target = parse.GetValue(name) ?? snapshot.Name;
            var parameters = ClusterLabels.Parameters(onnx.Path, options, result);
            var commit = workspace.CommitVersion(target, images, [snapshot.Version], "cluster", parameters, classes);
            var report = new Dictionary<string, object?>
            {
                ["dataset"] = target,
                ["version"] = commit.Version.Version,
                ["source"] = snapshot.ToString(),
                ["model"] = onnx.Path,
                ["method"] = ClusterMethods.Name(options.Method),
                ["threshold"] = options.Threshold,
                ["k"] = options.K,
                ["rerank"] = options.Rerank,
                ["images"] = images.Count,
                ["clusters"] = result.Clusters.Count,
                ["clustered"] = result.Clusters.Sum(c => c.Size),
                ["singletons"] = result.Singletons,
                ["merged_by_centre"] = result.MergedByCentre,
                ["cluster_sizes"] = result.Clusters.Select(c => new Dictionary<string, object>
                {
                    ["cluster"] = ClusterLabels.Name(c.Number), ["size"] = c.Size, ["cohesion"] = Math.Round(c.Cohesion, 6),
                }).ToList(),
            };
            if (json) Output.Json(report);
            else
            {
                Console.WriteLine($"{snapshot} → {target}@{commit.Version.Version}: {result.Clusters.Count} clusters over {report["clustered"]} images, {result.Singletons} singletons ({ClusterMethods.Name(options.Method)}, threshold {options.Threshold.ToString(CultureInfo.InvariantCulture)})");
                foreach (var c in result.Clusters.Take(20))
                    Console.WriteLine($"  {ClusterLabels.Name(c.Number)}  {c.Size,6}  cohesion {c.Cohesion:0.000}");
            }
            return 0;
        });
        return command;
    }
}
