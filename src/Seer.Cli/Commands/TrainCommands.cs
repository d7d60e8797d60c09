using System.CommandLine;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Core.Progress;
using Seer.Data;
using Seer.Training.Engine;
using Seer.Training.Options;
using Seer.Training.Registry;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer train --task classify|detect --train DS[@V] --val DS[@V] [--arch A] [--epochs N] [--params FILE]...
/// [--device cpu] [--parent MODEL] [--resume MODEL] [--time MINUTES] [--pretrained imagenet|NAME|none] --json</c>: trains
/// one model per parameter set, keeps the best by the validation metric, registers it; prints {"model", "metrics",
/// "recipe", ...}. Settings not given are chosen from the data by RecipeAdvisor (one "recipe:" line each on stderr).
/// </summary>
public sealed class TrainCommands : ICommandFactory
{
    public Command Create()
    {
        var task = new Option<string>("--task") { Description = "classify, detect or embed", Required = true };
        var loss = new Option<string?>("--loss") { Description = "Task embed: arcface (default), cosface, softmax or triplet" };
        var dim = new Option<int?>("--dim") { Description = "Task embed: embedding size (default 128)" };
        var train = new Option<string>("--train") { Description = "Training dataset NAME[@VERSION]", Required = true };
        var val = new Option<string>("--val") { Description = "Validation dataset NAME[@VERSION]", Required = true };
        var arch = new Option<string?>("--arch") { Description = "small-cnn, small-cnn-fc, resnet18 (classify); fcos-lite, fcos-resnet18 (detect); default: chosen from the data" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 10)" };
        var size = new Option<int?>("--size") { Description = "Input size in pixels (default 64 classify, 256 detect)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 32)" };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default 0.002)" };
        var paramFiles = new Option<string[]>("--params") { Description = "JSON file of settings; repeat for best-of-N", AllowMultipleArgumentsPerToken = false };
        var device = new Option<string?>("--device") { Description = "cpu or cuda:N (default cpu)" };
        var parent = new Option<string?>("--parent") { Description = "Start from this model's weights (transfer)" };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted job of this model id" };
        var time = new Option<double?>("--time") { Description = "Wall-time budget in minutes: the schedule is fitted into it (--epochs wins when given)" };
        var pretrained = new Option<string?>("--pretrained") { Description = "Pretrained backbone: imagenet (scripts/fetch-data.sh pretrained) or a name from `seer model import-weights`; none = from scratch" };

        var command = new Command("train", "Train a classifier or detector from dataset versions into the model registry");
        foreach (Option o in new Option[] { task, train, val, arch, epochs, size, batch, lr, paramFiles, device, parent, resume, loss, dim, time, pretrained })
            command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            NativeHeap.KeepFreedMemory(); // this process exists to train: malloc tuned for libtorch (process-wide)
            bool json = parse.GetValue(GlobalOptions.Json);
            // Flags are applied over the defaults or each params file by the one settings loader (same keys, same checks).
            TrainingOptions Flags(TrainingOptions o) => TrainingOptionsLoader.Apply(o, new JsonObject
            {
                ["task"] = parse.GetValue(task)!,
                ["architecture"] = parse.GetValue(arch) ?? o.Architecture,
                ["epochs"] = parse.GetValue(epochs) ?? o.Epochs,
                ["imageSize"] = parse.GetValue(size) ?? o.ImageSize,
                ["batchSize"] = parse.GetValue(batch) ?? o.BatchSize,
                ["learningRate"] = parse.GetValue(lr) ?? o.LearningRate,
                ["device"] = parse.GetValue(device) ?? o.Device,
                ["metricLoss"] = parse.GetValue(loss) ?? o.MetricLoss,
                ["embeddingDim"] = parse.GetValue(dim) ?? o.EmbeddingDim,
                // --epochs wins over a time budget
                ["timeMinutes"] = parse.GetValue(epochs) is null ? parse.GetValue(time) ?? o.TimeMinutes : 0,
                ["pretrained"] = parse.GetValue(pretrained) is { } p ? (p == "none" ? "" : p) : o.Pretrained,
            }, SettingsSource.CommandLine);
            // the settings the user gave (flags and params-file keys); the recipe advisor picks the others
            var flagged = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (option, key) in new (Option, string)[] { (arch, "architecture"), (epochs, "epochs"), (size, "imageSize"), (batch, "batchSize"), (lr, "learningRate"), (pretrained, "pretrained") })
                if (parse.GetResult(option) is not null) flagged.Add(key);
            string[] files = parse.GetValue(paramFiles) ?? [];
            var sets = files.Length == 0
                ? new List<ParameterSet> { new(Flags(new TrainingOptions())) }
                : files.Select(f => new ParameterSet(Flags(TrainingOptionsLoader.ApplyFile(new TrainingOptions(), f)), f)).ToList();
            if (parse.GetValue(epochs) is not null && parse.GetValue(time) is not null && !json)
                Console.Error.WriteLine("recipe: --epochs given, so the time budget is not used (--epochs wins)");

            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            DatasetSnapshot trainSet = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(train)!));
            DatasetSnapshot valSet = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(val)!));
            var registry = new FileModelRegistry(workspace.Home);
            string pretrainedStore = Path.Combine(workspace.Home, "pretrained");
            bool pretrainedAvailable = PretrainedWeights.ImageNetAvailable(pretrainedStore);
            sets = sets.Select((s, i) =>
            {
                var keys = new HashSet<string>(flagged, StringComparer.Ordinal);
                if (s.Source is { } file) keys.UnionWith(TrainingOptionsLoader.KeysOf(file));
                var (resolved, choices) = RecipeAdvisor.Resolve(s.Options, keys, trainSet, pretrainedAvailable);
                // with --json the choices are in the result's "recipe"; stderr stays free for a JSON error
                if (!json) foreach (var c in choices) Console.Error.WriteLine($"recipe{(sets.Count > 1 ? $" (set {i + 1})" : "")}: {c}");
                return s with { Options = resolved, Choices = choices };
            }).ToList();
            var request = new TrainingJobRequest(trainSet, valSet, sets)
            {
                Parent = parse.GetValue(parent), ResumeModel = parse.GetValue(resume), PretrainedDirectory = pretrainedStore,
            };
            var job = new TrainingJob(registry);

            ModelRecord record = null!;
            if (json)
            {
                record = await Task.Run(() => job.Run(request, null, ct), ct).ConfigureAwait(false);
            }
            else
            {
                await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var bars = new Dictionary<string, ProgressTask>();
                        var progress = new Progress<WorkProgress>(p =>
                        {
                            if (!bars.TryGetValue(p.Stage, out var bar)) bars[p.Stage] = bar = ctx.AddTask(p.Stage, maxValue: Math.Max(1, p.Total ?? 1));
                            bar.Description = $"{p.Stage} {Markup.Escape(p.Message ?? "")}";
                            bar.Value = p.Done;
                        });
                        record = await Task.Run(() => job.Run(request, progress, ct), ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
            var result = new Dictionary<string, object?>
            {
                ["model"] = record.Id,
                ["status"] = record.Status,
                ["task"] = record.Task,
                ["architecture"] = record.Architecture,
                ["primary_metric"] = record.PrimaryMetric,
                ["metrics"] = record.Metrics,
                ["best_epoch"] = record.BestEpoch,
                ["curves"] = record.Curves,
                ["candidates"] = record.Candidates.Select(c => new { index = c.Index, source = c.Source, metric = c.PrimaryValue, best_epoch = c.BestEpoch }),
                ["training_seconds"] = record.TrainingSeconds,
                ["recipe"] = new Dictionary<string, object?>
                {
                    ["choices"] = sets.SelectMany(s => s.Choices).Select(c => new { setting = c.Setting, value = c.Value, reason = c.Reason }),
                    ["options"] = record.Parameters,
                },
            };
            if (json) Output.Json(result);
            else
            {
                Console.WriteLine($"model {record.Id} ({record.Status}): {record.PrimaryMetric} {record.PrimaryValue:0.0000} at epoch {record.BestEpoch}");
                Console.WriteLine($"recipe: {record.Architecture}{(record.Parameters.Pretrained.Length > 0 ? $" pretrained {record.Parameters.Pretrained}" : "")}, {record.ImageSize} px, batch {record.Parameters.BatchSize}, lr {record.Parameters.LearningRate}, {record.Parameters.Epochs} epochs{(record.Parameters.TimeMinutes > 0 ? $" (planned for {record.Parameters.TimeMinutes} min)" : "")}");
                foreach (var e in record.Curves)
                    Console.WriteLine($"  epoch {e.Epoch,3}  loss {e.Loss:0.0000}  lr {e.LearningRate:0.######}  val {e.ValMetric:0.0000}  {e.Seconds:0.0}s");
            }
            return 0;
        });
        return command;
    }
}
