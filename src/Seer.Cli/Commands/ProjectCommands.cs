using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Seer.ActiveLearning.Projects;
using Seer.Core.Errors;
using Seer.Data;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer project create NAME --task classify|detect --train DS --val DS --pool DS [--test DS] [--owner USER]</c>,
/// <c>seer project show NAME</c>, <c>seer project history NAME</c>, <c>seer project list</c>: active-learning projects
/// (see <c>seer iterate</c>).
/// </summary>
public sealed class ProjectCommands : ICommandFactory
{
    public Command Create()
    {
        var command = new Command("project", "Active-learning projects: a label space, train/val/test versions and a mining pool");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(History());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command CreateCommand()
    {
        var name = new Argument<string>("NAME") { Description = "Project name (letters, digits, - _ .)" };
        var task = new Option<string>("--task") { Description = "classify or detect", Required = true };
        var train = new Option<string>("--train") { Description = "Initial training dataset NAME[@VERSION] (labelled)", Required = true };
        var val = new Option<string>("--val") { Description = "Validation dataset NAME[@VERSION] (model selection)", Required = true };
        var pool = new Option<string>("--pool") { Description = "Mining pool NAME[@VERSION] (its unlabelled images are mined)", Required = true };
        var test = new Option<string?>("--test") { Description = "Test dataset NAME[@VERSION]; each round is evaluated on it (else on --val)" };
        var owner = new Option<string?>("--owner") { Description = "Owner user name (the server sets it)" };
        var command = new Command("create", "Create a project from dataset versions (pinned at their current head unless @VERSION is given)");
        command.Arguments.Add(name);
        foreach (var o in new Option[] { task, train, val, pool, test, owner }) command.Options.Add(o);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            if (!ProjectSetup.Tasks.Contains(parse.GetValue(task)!.Trim().ToLowerInvariant()))
                throw new SeerException(ErrorCodes.InvalidOptions, $"--task must be classify or detect (was '{parse.GetValue(task)}')");
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            using var store = new ProjectStore(workspace);
            var project = ProjectSetup.Create(workspace, store, parse.GetValue(name)!, parse.GetValue(task)!, parse.GetValue(train)!,
                parse.GetValue(val)!, parse.GetValue(pool)!, parse.GetValue(test), parse.GetValue(owner));
            Print(parse, workspace, project, store);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME") { Description = "Project name" };
        var command = new Command("show", "A project's datasets, classes and its latest round");
        command.Arguments.Add(name);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            using var store = new ProjectStore(workspace);
            Print(parse, workspace, store.Get(parse.GetValue(name)!), store);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command History()
    {
        var name = new Argument<string>("NAME") { Description = "Project name" };
        var command = new Command("history", "Per round: training-set size, model, metrics and the trend");
        command.Arguments.Add(name);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            using var store = new ProjectStore(workspace);
            var project = store.Get(parse.GetValue(name)!);
            var rounds = store.Iterations(project.Id);
            if (parse.GetValue(GlobalOptions.Json))
                Output.Json(new JsonObject { ["project"] = project.Name, ["task"] = project.Task, ["history"] = ProjectJson.History(rounds) });
            else PrintHistory(project, rounds);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List projects");
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var workspace = Workspace.Open(GlobalOptions.ResolveHome(parse));
            using var store = new ProjectStore(workspace);
            var projects = store.List();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new JsonArray(projects.Select(p => (JsonNode?)ProjectJson.Project(p, workspace)).ToArray()));
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("project", "task", "owner", "rounds done", "created");
            foreach (var p in projects)
                table.AddRow(Markup.Escape(p.Name), p.Task, Markup.Escape(p.Owner ?? "-"),
                    store.Iterations(p.Id).Count(r => r.State == IterationRecord.Done).ToString(CultureInfo.InvariantCulture),
                    p.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(ParseResult parse, Workspace workspace, Project project, ProjectStore store)
    {
        var json = ProjectJson.Project(project, workspace);
        var rounds = store.Iterations(project.Id);
        var last = rounds.LastOrDefault();
        json["rounds"] = rounds.Count(r => r.State == IterationRecord.Done);
        json["latest"] = last is null ? null : ProjectJson.History([last])[0]!.DeepClone();
        if (parse.GetValue(GlobalOptions.Json))
        {
            Output.Json(json);
            return;
        }
        var table = new Table().HideHeaders().AddColumns("key", "value");
        foreach (var key in new[] { "name", "task", "owner", "train", "val", "test", "pool", "rounds", "created_at" })
            table.AddRow(key, Markup.Escape(json[key]?.ToString() ?? "-"));
        table.AddRow("classes", Markup.Escape(string.Join(", ", project.Classes)));
        if (last is not null)
            table.AddRow("latest round", Markup.Escape($"{last.Round} ({last.State}) labelled {last.Labelled?.ToString(CultureInfo.InvariantCulture) ?? "-"} {Metrics(last)}"));
        AnsiConsole.Write(table);
    }

    internal static void PrintHistory(Project project, IReadOnlyList<IterationRecord> rounds)
    {
        string primary = project.Task == "detect" ? "AP" : "top1";
        var table = new Table().AddColumns("round", "state", "strategy", "labelled", "model", primary, "trend", "other metrics");
        double? previous = null;
        foreach (var r in rounds)
        {
            double? value = r.Metrics?[primary] is JsonValue v && v.TryGetValue(out double d) ? d : null;
            string trend = value is double now && previous is double before ? (now - before).ToString("+0.0000;-0.0000;0", CultureInfo.InvariantCulture) : "";
            table.AddRow(r.Round.ToString(CultureInfo.InvariantCulture), r.State,
                r.Round == 0 ? "-" : Markup.Escape(r.Settings["strategy"]?.ToString() ?? "-"),
                r.Labelled?.ToString(CultureInfo.InvariantCulture) ?? "-", Markup.Escape(r.Model ?? "-"),
                value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-", trend, Markup.Escape(Metrics(r, primary)));
            if (value is not null) previous = value;
        }
        AnsiConsole.Write(table);
    }

    private static string Metrics(IterationRecord r, string? skip = null) => r.Metrics is null ? "" :
        string.Join(" ", r.Metrics.Where(m => m.Key != skip && m.Key != "samples").Take(4).Select(m => $"{m.Key} {m.Value}"));
}
