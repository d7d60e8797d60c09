using System.CommandLine;
using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Search;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer search index DATASET[@VERSION] --model MODEL</c>: runs a feature (embed) model over every image of a dataset
/// version and upserts one item per image (id = the image's file name) into a feature group, created on first use,
/// so users can find similar images and near-duplicates with <c>seer search query</c>.
/// </summary>
internal static class SearchIndexCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("DATASET") { Description = "Dataset version: NAME (latest) or NAME@VERSION" };
        var model = new Option<string>("--model") { Description = "Feature (embed) model: an .onnx file", Required = true };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest for an external ONNX model" };
        var groupName = new Option<string?>("--group") { Description = "Feature group to fill (default: the dataset name)" };
        var index = new Option<string>("--index") { Description = "exact or hnsw (default) for a new group", DefaultValueFactory = _ => "hnsw" };
        var metric = new Option<string>("--metric") { Description = "ip, cosine (default) or l2 for a new group", DefaultValueFactory = _ => "cosine" };
        var command = new Command("index", "Build a feature group from a model's features of a dataset version's images");
        command.Arguments.Add(dataset);
        foreach (var o in new Option[] { model, manifest, groupName, index, metric }) command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var reference = DatasetRef.Parse(parse.GetValue(dataset)!);
            string home = GlobalOptions.ResolveHome(parse);
            using var workspace = Workspace.Open(home);
            var snapshot = workspace.OpenSnapshot(reference);
            using var onnx = ModelOpener.Open(parse.GetValue(model)!, parse.GetValue(manifest));
            var predictor = new Predictor(onnx);
            string name = parse.GetValue(groupName) ?? snapshot.Name;
            var search = new SearchWorkspace(home);
            var options = new FeatureGroupOptions
            {
                Metric = FeatureGroupOptions.ParseMetric(parse.GetValue(metric)!),
                Index = FeatureGroupOptions.ParseIndex(parse.GetValue(index)!),
            };
            int added = await Task.Run(() => IndexImages(snapshot, predictor, search, name, options, ct), ct).ConfigureAwait(false);
            using var group = search.Open(name);
            var result = new Dictionary<string, object>
            {
                ["group"] = name, ["dataset"] = snapshot.Name, ["version"] = snapshot.Version, ["model"] = onnx.Path,
                ["dim"] = group.Dimension, ["added"] = added, ["items"] = group.Count,
            };
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(result);
            else Console.WriteLine($"indexed {added} images of {snapshot} into '{name}' ({group.Dimension}-d, {group.Count} items)");
            return 0;
        });
        return command;
    }

    /// <summary>The model's feature of every image (<see cref="SnapshotPredictions.Features"/>) as feature items
    /// (id = file name, metadata = dataset, version, content hash), upserted by <see cref="FeatureIndexing"/>.</summary>
    private static int IndexImages(DatasetSnapshot snapshot, Predictor predictor, SearchWorkspace search, string name,
        FeatureGroupOptions options, CancellationToken ct) =>
        FeatureIndexing.Upsert(search, name, options, SnapshotPredictions.Features(snapshot, predictor, ct).Select(f =>
            new FeatureItem(f.Image.FileName, f.Feature, JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["dataset"] = snapshot.Name, ["version"] = snapshot.Version, ["content_hash"] = f.Image.ContentHash,
            }))), ct);
}
