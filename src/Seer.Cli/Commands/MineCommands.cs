using System.CommandLine;
using Seer.ActiveLearning.Mining;
using Seer.ActiveLearning.PoolModels;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Data;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Mining;
using Seer.Mining.Pool;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer mine MODEL POOL[@VERSION] --strategy S --topk N [--seed] [--aggregate] [--quota CLASS=N] [--exclude DS]
/// [--into NAME] [--pre-annotate] --json</c>: runs the model over the pool's unlabelled images, ranks them, prints the
/// ranked list (image id, file name, score) and commits the top k as a new version of the mined dataset.
/// </summary>
public sealed class MineCommands : ICommandFactory
{
    public Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Registry model id or path to an .onnx file" };
        var pool = new Argument<string>("POOL") { Description = "Pool dataset, NAME or NAME@VERSION" };
        var strategy = new Option<string>("--strategy") { Description = "random|least-confidence|entropy|margin|consistency|diversity|combined", DefaultValueFactory = _ => "entropy" };
        var topk = new Option<int>("--topk") { Description = "Images to pick", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random strategy and of k-center's first pick (default 0)" };
        var aggregate = new Option<string>("--aggregate") { Description = "Detections → image score: max|mean|sum", DefaultValueFactory = _ => "max" };
        var quota = new Option<string[]>("--quota") { Description = "CLASS=N: pick at least N images predicted as CLASS (repeatable)", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude") { Description = "Never pick images in these datasets (labelled sets; repeatable)" };
        var into = new Option<string?>("--into") { Description = "Dataset receiving the picks (default POOL-mined); its earlier picks are excluded" };
        var preAnnotate = new Option<bool>("--pre-annotate") { Description = "Store the model's predictions (with scores) on the picked images" };
        var threshold = new Option<float>("--threshold") { Description = "Detector score threshold while mining (default 0.1: keep uncertain boxes)", DefaultValueFactory = _ => 0.1f };
        var hamming = new Option<int>("--duplicate-bits") { Description = "Perceptual-hash Hamming distance for near-duplicates (default 4; -1 off)", DefaultValueFactory = _ => 4 };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest of an external model" };
        var batch = new Option<int>("--batch") { Description = "Images per model run (default 16)", DefaultValueFactory = _ => 16 };

        var command = new Command("mine", "Rank a pool's unlabelled images by how much labelling them should help; commit the top k");
        command.Arguments.Add(model);
        command.Arguments.Add(pool);
        foreach (var o in new Option[] { strategy, topk, seed, aggregate, quota, exclude, into, preAnnotate, threshold, hamming, manifest, batch })
            command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            string home = GlobalOptions.ResolveHome(parse);
            var poolRef = DatasetRef.Parse(parse.GetValue(pool)!);
            using var workspace = Workspace.Open(home);
            var snapshot = workspace.OpenSnapshot(poolRef);
            string intoName = parse.GetValue(into) ?? snapshot.Name + "-mined";
            Workspace.ValidateDatasetName(intoName);
            Func<string, string?>? resolver = PredictCommands.ResolveRegistryId is { } r ? id => r(home, id) : null;
            string modelName = parse.GetValue(model)!;
            using var onnx = ModelOpener.Open(modelName, parse.GetValue(manifest), resolver);
            var poolModel = OnnxPoolModel.ForMining(onnx, parse.GetValue(threshold), parse.GetValue(batch));

            var excluded = MinedVersions.AlreadyMined(workspace, intoName);
            foreach (var ds in parse.GetValue(exclude) ?? [])
                foreach (var image in workspace.OpenSnapshot(DatasetRef.Parse(ds)).Images) excluded.Add(image.ContentHash);
            var options = new MiningOptions
            {
                Strategy = MiningOptions.ParseStrategy(parse.GetValue(strategy)!),
                TopK = parse.GetValue(topk),
                Seed = parse.GetValue(seed),
                Aggregation = MiningOptions.ParseAggregation(parse.GetValue(aggregate)!),
                ClassQuotas = ParseQuotas(parse.GetValue(quota), poolModel.ClassNames),
                Exclude = excluded,
                DuplicateHammingDistance = parse.GetValue(hamming),
            };

            MiningResult result;
            if (json) result = await PoolMiner.MineAsync(snapshot, poolModel, options, null, ct).ConfigureAwait(false);
            else
            {
                result = null!;
                await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("mine", maxValue: Math.Max(1, snapshot.Images.Count));
                        var progress = new Progress<WorkProgress>(p => { task.MaxValue = Math.Max(1, p.Total ?? 1); task.Value = p.Done; });
                        result = await PoolMiner.MineAsync(snapshot, poolModel, options, progress, ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }

            Dictionary<string, ImageRecord>? pre = null;
            if (parse.GetValue(preAnnotate)) pre = MinedVersions.PreAnnotate(snapshot, result, poolModel, ct);
            var parameters = new Dictionary<string, object?>
            {
                ["model"] = modelName, ["pool"] = snapshot.ToString(), ["strategy"] = MiningOptions.StrategyName(options.Strategy),
                ["topk"] = options.TopK, ["seed"] = options.Seed, ["aggregate"] = MiningOptions.AggregationName(options.Aggregation),
                ["pre_annotated"] = pre is not null,
            };
            var commit = MinedVersions.Commit(workspace, snapshot, intoName, result, parameters, MinedVersions.LabelClasses(snapshot, poolModel.ClassNames), pre);
            Print(json, snapshot, options, result, commit.Version, poolModel.ClassNames);
            return 0;
        });
        return command;
    }

    private static Dictionary<int, int> ParseQuotas(string[]? values, IReadOnlyList<string> classes)
    {
        var quotas = new Dictionary<int, int>();
        foreach (var v in values ?? [])
        {
            int eq = v.LastIndexOf('=');
            if (eq <= 0 || !int.TryParse(v[(eq + 1)..], out int n) || n < 0)
                throw new SeerException(ErrorCodes.InvalidOptions, $"--quota '{v}' is not CLASS=N");
            string name = v[..eq];
            int id = classes.ToList().IndexOf(name);
            if (id < 0)
                throw new SeerException(ErrorCodes.InvalidOptions, $"--quota class '{name}' is not one of the model's classes: {string.Join(", ", classes)}");
            quotas[id] = n;
        }
        return quotas;
    }

    private static void Print(bool json, DatasetSnapshot pool, MiningOptions options, MiningResult result, DatasetVersionInfo version,
        IReadOnlyList<string> classes)
    {
        if (json)
        {
            Output.Json(new Dictionary<string, object?>
            {
                ["pool"] = pool.ToString(),
                ["strategy"] = MiningOptions.StrategyName(options.Strategy),
                ["topk"] = options.TopK,
                ["considered"] = result.Considered,
                ["excluded"] = result.Excluded,
                ["duplicates_skipped"] = result.DuplicatesSkipped,
                ["version"] = new Dictionary<string, object?> { ["dataset"] = version.Dataset, ["version"] = version.Version, ["images"] = version.ImageCount },
                ["items"] = result.Items.Select(i => new Dictionary<string, object?>
                {
                    ["rank"] = i.Rank,
                    ["image_id"] = i.ContentHash,
                    ["file_name"] = i.FileName,
                    ["score"] = Math.Round(i.Score, 6),
                    ["predicted"] = i.PredictedClasses.Select(c => c < classes.Count ? classes[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
                    ["reason"] = i.Reason,
                }).ToList(),
            });
            return;
        }
        var table = new Table().AddColumns("rank", "image id", "file name", "score", "reason");
        foreach (var i in result.Items)
            table.AddRow(i.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), i.ContentHash[..12],
                Markup.Escape(i.FileName), i.Score.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), i.Reason);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{result.Considered} considered, {result.Excluded} excluded, {result.DuplicatesSkipped} near-duplicates skipped; " +
            $"committed [bold]{Markup.Escape(version.Dataset)}@{version.Version[..Math.Min(12, version.Version.Length)]}[/] ({version.ImageCount} images)");
    }
}
