using System.CommandLine;
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
/// [--device cpu] [--parent MODEL] [--resume MODEL] --json</c>: trains one model per parameter set, keeps the best by the
/// validation metric, registers it; prints {"model", "metrics", ...}.
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
        var arch = new Option<string?>("--arch") { Description = "small-cnn, small-cnn-fc, resnet18 (classify); fcos-lite (detect)" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 10)" };
        var size = new Option<int?>("--size") { Description = "Input size in pixels (default 64 classify, 256 detect)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 32)" };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default 0.002)" };
        var paramFiles = new Option<string[]>("--params") { Description = "JSON file of settings; repeat for best-of-N", AllowMultipleArgumentsPerToken = false };
        var device = new Option<string?>("--device") { Description = "cpu or cuda:N (default cpu)" };
        var parent = new Option<string?>("--parent") { Description = "Start from this model's weights (transfer)" };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted job of this model id" };

        var command = new Command("train", "Train a classifier or detector from dataset versions into the model registry");
        foreach (Option o in new Option[] { task, train, val, arch, epochs, size, batch, lr, paramFiles, device, parent, resume, loss, dim })
            command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            TrainingOptions Flags(TrainingOptions o) => o with
            {
                Task = parse.GetValue(task)!,
                Architecture = parse.GetValue(arch) ?? o.Architecture,
                Epochs = parse.GetValue(epochs) ?? o.Epochs,
                ImageSize = parse.GetValue(size) ?? o.ImageSize,
                BatchSize = parse.GetValue(batch) ?? o.BatchSize,
                LearningRate = parse.GetValue(lr) ?? o.LearningRate,
                Device = parse.GetValue(device) ?? o.Device,
                MetricLoss = parse.GetValue(loss) ?? o.MetricLoss,
                EmbeddingDim = parse.GetValue(dim) ?? o.EmbeddingDim,
            };
            string[] files = parse.GetValue(paramFiles) ?? [];
            var sets = files.Length == 0
                ? new List<ParameterSet> { new(Flags(new TrainingOptions())) }
                : files.Select(f => new ParameterSet(Flags(TrainingOptionsLoader.ApplyFile(new TrainingOptions(), f)), f)).ToList();

            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            DatasetSnapshot trainSet = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(train)!));
            DatasetSnapshot valSet = workspace.OpenSnapshot(DatasetRef.Parse(parse.GetValue(val)!));
            var registry = new FileModelRegistry(workspace.Home);
            var request = new TrainingJobRequest(trainSet, valSet, sets) { Parent = parse.GetValue(parent), ResumeModel = parse.GetValue(resume) };
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
            };
            if (json) Output.Json(result);
            else
            {
                Console.WriteLine($"model {record.Id} ({record.Status}): {record.PrimaryMetric} {record.PrimaryValue:0.0000} at epoch {record.BestEpoch}");
                foreach (var e in record.Curves)
                    Console.WriteLine($"  epoch {e.Epoch,3}  loss {e.Loss:0.0000}  lr {e.LearningRate:0.######}  val {e.ValMetric:0.0000}  {e.Seconds:0.0}s");
            }
            return 0;
        });
        return command;
    }
}
