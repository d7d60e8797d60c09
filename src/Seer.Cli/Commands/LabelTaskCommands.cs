using System.CommandLine;
using System.Text.Json.Nodes;
using Seer.Cli.Commands.Dataset;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Versions;
using Seer.Inference;
using Seer.Inference.Annotation;
using Seer.Inference.Models;
using Seer.Labeling;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer label task create|list|show|commit</c>: Seer's own labelling tasks (Seer.Labeling), the same fields and JSON
/// keys as <c>/api/labeling/tasks</c>. The labelling itself happens in the web UI (<c>seer serve</c>, page #/label/ID).
/// The CLI acts as the workspace's owner: it sees and commits every task.
/// </summary>
internal static class LabelTaskCommands
{
    public static Command Create()
    {
        var command = new Command("task", "Labelling tasks in Seer's own annotation tool: create, list, show, commit");
        command.Subcommands.Add(CreateTask());
        command.Subcommands.Add(ListTasks());
        command.Subcommands.Add(ShowTask());
        command.Subcommands.Add(CommitTask());
        return command;
    }

    private static Command CreateTask()
    {
        var dataset = new Argument<string>("dataset") { Description = "NAME or NAME@VERSION whose images are labelled (typically a mined version)" };
        var classes = new Option<string[]>("--classes") { Description = "Class list (comma separated; default: the version's classes, else the label space)", AllowMultipleArgumentsPerToken = true };
        var assignees = new Option<string[]>("--assignees") { Description = "Labellers (comma separated); the images are split among them in order (default: you)", AllowMultipleArgumentsPerToken = true };
        var reviewer = new Option<string?>("--reviewer") { Description = "Reviewer: every image must be accepted before the task can be committed" };
        var model = new Option<string?>("--model") { Description = "Pre-annotate with this model (ONNX file or registry model id): its boxes are offered to accept or reject" };
        var threshold = new Option<float>("--threshold") { Description = "Score threshold of the pre-annotations", DefaultValueFactory = _ => 0.25f };
        var into = new Option<string?>("--into") { Description = "Dataset the commit writes to (default DATASET-labels)" };
        var kind = new Option<string?>("--kind") { Description = "detect (boxes) or classify (image tags); default from the version" };
        var command = new Command("create", "Create a labelling task over a version's images");
        command.Arguments.Add(dataset);
        foreach (var o in new Option[] { classes, assignees, reviewer, model, threshold, into, kind }) command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            using var ws = Workspace.Open(home);
            var reference = DatasetRef.Parse(parse.GetValue(dataset)!);
            IReadOnlyList<ImageRecord>? predictions = null;
            if (parse.GetValue(model) is { } modelName)
            {
                Func<string, string?>? resolver = PredictCommands.ResolveRegistryId is null ? null : id => PredictCommands.ResolveRegistryId(home, id);
                using var onnx = ModelOpener.Open(modelName, null, resolver);
                var predictor = new Predictor(onnx, new PredictorOptions { ScoreThreshold = parse.GetValue(threshold) });
                predictions = await PreAnnotator.AnnotateAsync(ws.OpenSnapshot(reference), predictor, null, ct).ConfigureAwait(false);
            }
            var store = new LabelingStore(ws);
            var request = new Seer.Labeling.TaskRequest(reference.Name, reference.Version, NullIfEmpty(CliParsing.List(parse.GetValue(classes))),
                NullIfEmpty(CliParsing.List(parse.GetValue(assignees))), parse.GetValue(reviewer), parse.GetValue(model), parse.GetValue(into), parse.GetValue(kind));
            var task = store.Create(request, Environment.UserName, predictions);
            Print(task, parse.GetValue(GlobalOptions.Json));
            return 0;
        });
        return command;
    }

    private static Command ListTasks()
    {
        var command = new Command("list", "List the labelling tasks with their counts per state");
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var tasks = new LabelingStore(ws).List();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new JsonArray(tasks.Select(t => (JsonNode?)LabelJson.Task(t)).ToArray()));
                return Task.FromResult(0);
            }
            if (tasks.Count == 0)
            {
                Console.WriteLine("no labelling tasks yet (seer label task create DATASET)");
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("id", "source", "into", "assignees", "reviewer", "accepted", "states", "state");
            foreach (var t in tasks)
                table.AddRow(t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape($"{t.Dataset}@{VersionIds.Short(t.SourceVersion)}"),
                    Markup.Escape(t.Into), Markup.Escape(string.Join(", ", t.Assignees)), Markup.Escape(t.Reviewer ?? "-"), $"{t.Accepted} of {t.Images}",
                    Markup.Escape(LabelingStore.CountsText(t)), t.State);
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command ShowTask()
    {
        var id = new Argument<long>("id") { Description = "Task id (seer label task list)" };
        var command = new Command("show", "Show a labelling task: its fields, counts per state and every image's state");
        command.Arguments.Add(id);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var store = new LabelingStore(ws);
            var task = store.Get(parse.GetValue(id));
            var items = store.Items(task.Id);
            if (parse.GetValue(GlobalOptions.Json))
            {
                var json = LabelJson.Task(task);
                json["items"] = new JsonArray(items.Select(i => (JsonNode?)LabelJson.ItemSummary(i)).ToArray());
                Output.Json(json);
                return Task.FromResult(0);
            }
            Print(task, false);
            var table = new Table().AddColumns("image", "file", "assignee", "state", "revision", "objects", "comment");
            foreach (var i in items)
                table.AddRow(i.Image.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(i.FileName), Markup.Escape(i.Assignee), i.State,
                    i.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Objects.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(i.Comment ?? ""));
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command CommitTask()
    {
        var id = new Argument<long>("id") { Description = "Task id" };
        var command = new Command("commit", "Write the accepted images as one new version (operation label, parent the source version)");
        command.Arguments.Add(id);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var commit = new LabelingStore(ws).Commit(parse.GetValue(id), Environment.UserName, isAdmin: true);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(LabelJson.Version(commit));
            else DatasetOutput.PrintCommit(commit);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(LabelingTask task, bool json)
    {
        if (json)
        {
            Output.Json(LabelJson.Task(task));
            return;
        }
        AnsiConsole.MarkupLine($"labelling task [bold]{task.Id}[/] ({task.Kind}, {task.State}): {task.Images} images of " +
                               $"{Markup.Escape($"{task.Dataset}@{VersionIds.Short(task.SourceVersion)}")} into {Markup.Escape(task.Into)}; " +
                               $"classes {Markup.Escape(string.Join(", ", task.Classes))}; labellers {Markup.Escape(string.Join(", ", task.Assignees))}" +
                               (task.Reviewer is null ? "" : $"; reviewer {Markup.Escape(task.Reviewer)}"));
        AnsiConsole.MarkupLine($"{task.Accepted} of {task.Images} accepted ({Markup.Escape(LabelingStore.CountsText(task))})" +
                               (task.CommittedVersion is { } v ? $"; committed as {Markup.Escape(task.Into)}@{VersionIds.Short(v)}" : ""));
    }

    private static List<string>? NullIfEmpty(List<string> list) => list.Count == 0 ? null : list;
}
