using System.CommandLine;
using System.Text.Json.Nodes;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Data;
using Seer.Mining;
using Seer.Training.Options;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer iterate NAME --rounds R --strategy S --topk N [--oracle DS] [--epochs E] [--params FILE] [--seed N]
/// [--tool cvat|labelstudio] [--from-scratch] --json</c>: brings a project to round R (round 0 = the initial model),
/// each round prepare → mine → label → merge → train → evaluate, every step recorded; a killed run resumes at the first
/// unfinished step. Prints {"project", "status", "history": [{"round", "labelled", "metrics", ...}], "waiting"}.
/// </summary>
public sealed class IterateCommand : ICommandFactory
{
    public Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Project name (seer project create)" };
        var rounds = new Option<int>("--rounds") { Description = "Bring the project to this round (round 0 = initial model); finished rounds are kept", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "random|least-confidence|entropy|margin|consistency|diversity|combined", DefaultValueFactory = _ => "entropy" };
        var topk = new Option<int>("--topk") { Description = "Images mined (and labelled) per round", Required = true };
        var oracle = new Option<string?>("--oracle") { Description = "Labelled copy of the pool NAME[@VERSION]: labels by content hash (experiments); without it the picks go to a labelling tool" };
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs per round (default 10)" };
        var paramsFile = new Option<string?>("--params") { Description = "JSON file of training settings (as seer train --params)" };
        var size = new Option<int?>("--size") { Description = "Input size in pixels (default 64 classify, 256 detect)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 32)" };
        var arch = new Option<string?>("--arch") { Description = "Architecture (default small-cnn / fcos-lite)" };
        var seed = new Option<int>("--seed") { Description = "Seed of training and of the random strategy (default 0)" };
        var tool = new Option<string>("--tool") { Description = "Where the picks are labelled without --oracle: cvat or labelstudio (hand-off folder) or seer (a labelling task in Seer's web UI)", DefaultValueFactory = _ => "cvat" };
        var aggregate = new Option<string>("--aggregate") { Description = "Detectors: boxes → image score: max|mean|sum", DefaultValueFactory = _ => "max" };
        var scratch = new Option<bool>("--from-scratch") { Description = "Train each round from scratch instead of fine-tuning the previous round's model" };
        var command = new Command("iterate", "Run active-learning rounds on a project: mine, label, merge, train, evaluate");
        command.Arguments.Add(name);
        foreach (var o in new Option[] { rounds, strategy, topk, oracle, epochs, paramsFile, size, batch, arch, seed, tool, scratch, aggregate })
            command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            Seer.Training.Engine.NativeHeap.KeepFreedMemory(); // this process exists to train: malloc tuned for libtorch (process-wide)
            bool json = parse.GetValue(GlobalOptions.Json);
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            using var store = new ProjectStore(workspace);
            var project = store.Get(parse.GetValue(name)!);
            var training = parse.GetValue(paramsFile) is { } file ? TrainingOptionsLoader.ApplyFile(new TrainingOptions(), file) : new TrainingOptions();
            training = TrainingOptionsLoader.Apply(training, new JsonObject
            {
                ["task"] = project.Task,
                ["epochs"] = parse.GetValue(epochs) ?? training.Epochs,
                ["imageSize"] = parse.GetValue(size) ?? training.ImageSize,
                ["batchSize"] = parse.GetValue(batch) ?? training.BatchSize,
                ["architecture"] = parse.GetValue(arch) ?? training.Architecture,
                ["seed"] = parse.GetResult(seed) is null ? training.Seed : parse.GetValue(seed),
            }, SettingsSource.CommandLine);
            var settings = new IterationSettings
            {
                Strategy = MiningOptions.ParseStrategy(parse.GetValue(strategy)!),
                TopK = parse.GetValue(topk),
                Oracle = parse.GetValue(oracle),
                Tool = parse.GetValue(tool)!.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal),
                Seed = parse.GetValue(seed),
                FromScratch = parse.GetValue(scratch),
                Aggregation = MiningOptions.ParseAggregation(parse.GetValue(aggregate)!),
                Training = training,
            };
            var outcome = await new IterationRunner(workspace, store).RunAsync(project, parse.GetValue(rounds), settings, new SyncProgress(Console.Error), ct)
                .ConfigureAwait(false);
            if (json)
            {
                Output.Json(new JsonObject
                {
                    ["project"] = project.Name,
                    ["task"] = project.Task,
                    ["status"] = outcome.Status,
                    ["history"] = ProjectJson.History(outcome.History),
                    ["waiting"] = outcome.Waiting is { } w ? new JsonObject
                    {
                        ["round"] = w.Round, ["task_dir"] = w.TaskDirectory, ["tool"] = w.Tool, ["import_into"] = w.ImportInto,
                        ["images"] = w.Images, ["task"] = w.Task, ["instructions"] = w.Instructions(project.Name),
                    } : null,
                });
            }
            else
            {
                ProjectCommands.PrintHistory(project, outcome.History);
                if (outcome.Waiting is { } w) Console.WriteLine(w.Instructions(project.Name));
            }
            return 0;
        });
        return command;
    }

    /// <summary>Writes each event as one line at once (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress(TextWriter writer) : IProgress<IterationEvent>
    {
        public void Report(IterationEvent value)
        {
            writer.WriteLine(value.ToString());
            writer.Flush();
        }
    }
}
