using System.CommandLine;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Evaluation;

namespace Seer.Cli.Commands;

/// <summary><c>seer eval clusters --gt DS[@V] --pred DS[@V]</c>: pairwise and BCubed scores of a clustered version
/// against a labelled one, images matched by content hash (the truth's first tag is the identity).</summary>
internal static class ClusterEvalCommand
{
    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "Labelled dataset version (identity = each image's tag): NAME or NAME@VERSION", Required = true };
        var pred = new Option<string>("--pred") { Description = "Clustered dataset version (seer cluster): NAME or NAME@VERSION", Required = true };
        var command = new Command("clusters", "Pairwise and BCubed precision/recall/F of a clustering against true identities");
        command.Options.Add(gt);
        command.Options.Add(pred);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var truth = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(gt)!));
            var predicted = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(pred)!));
            var m = ClusteringEvaluator.EvaluateImages(truth.Images, predicted.Images, out int unmatched, predicted.ToString());
            if (parse.GetValue(GlobalOptions.Json))
                Output.Json(new Dictionary<string, object>
                {
                    ["gt"] = truth.ToString(), ["pred"] = predicted.ToString(), ["items"] = m.Items, ["unmatched"] = unmatched,
                    ["identities"] = m.Identities, ["clusters"] = m.Clusters, ["singletons"] = m.Singletons,
                    ["pairwise_precision"] = m.PairwisePrecision, ["pairwise_recall"] = m.PairwiseRecall, ["pairwise_f"] = m.PairwiseF,
                    ["bcubed_precision"] = m.BCubedPrecision, ["bcubed_recall"] = m.BCubedRecall, ["bcubed_f"] = m.BCubedF,
                });
            else
            {
                Console.WriteLine($"{predicted} against {truth}: {m.Items} images ({unmatched} of the truth unmatched), {m.Identities} identities, {m.Clusters} clusters, {m.Singletons} singletons");
                Console.WriteLine($"pairwise  precision {m.PairwisePrecision:0.0000}  recall {m.PairwiseRecall:0.0000}  F {m.PairwiseF:0.0000}");
                Console.WriteLine($"BCubed    precision {m.BCubedPrecision:0.0000}  recall {m.BCubedRecall:0.0000}  F {m.BCubedF:0.0000}");
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
