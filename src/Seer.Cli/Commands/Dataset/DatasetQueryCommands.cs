using System.CommandLine;
using System.Globalization;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Stats;
using Seer.Data.Versions;
using Spectre.Console;

namespace Seer.Cli.Commands.Dataset;

/// <summary><c>seer dataset list|show|stats|log|labels</c>: read-only views of the workspace.</summary>
internal static class DatasetQueryCommands
{
    public static Command List()
    {
        var command = new Command("list", "List the workspace's datasets with their head version");
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var datasets = ws.ListDatasets();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new Dictionary<string, object>
                {
                    ["datasets"] = datasets.Select(d => new Dictionary<string, object>
                    {
                        ["name"] = d.Name, ["head"] = d.Head, ["short"] = VersionIds.Short(d.Head), ["versions"] = d.Versions,
                        ["images"] = d.Images, ["labelled"] = d.Labelled, ["updated_at"] = d.UpdatedAt,
                    }).ToList(),
                });
                return Task.FromResult(0);
            }
            if (datasets.Count == 0)
            {
                Console.WriteLine($"no datasets in {ws.Home}; import one with: seer dataset import PATH --format voc --name NAME");
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("dataset", "head", "versions", "images", "labelled", "updated (UTC)");
            foreach (var d in datasets)
                table.AddRow(Markup.Escape(d.Name), VersionIds.Short(d.Head), N(d.Versions), N(d.Images), N(d.Labelled),
                    d.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Show()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME or NAME@VERSION" };
        var images = new Option<int>("--images") { Description = "Also list the first N images", DefaultValueFactory = _ => 0 };
        var command = new Command("show", "Show a dataset version: lineage, operation, classes and counts");
        command.Arguments.Add(reference);
        command.Options.Add(images);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var info = ws.Resolve(DatasetRef.Parse(parse.GetValue(reference)!));
            var snap = ws.OpenSnapshot(new DatasetRef(info.Dataset, info.Version));
            int n = Math.Max(0, parse.GetValue(images));
            if (parse.GetValue(GlobalOptions.Json))
            {
                var map = DatasetOutput.Version(info);
                map["classes"] = snap.Classes;
                map["image_list"] = snap.Images.Take(n).Select(i => new Dictionary<string, object>
                {
                    ["file"] = i.FileName, ["sha256"] = i.ContentHash, ["width"] = i.Width, ["height"] = i.Height,
                    ["labelled"] = i.IsLabelled, ["objects"] = i.Objects.Count, ["tags"] = i.Tags,
                }).ToList();
                Output.Json(map);
                return Task.FromResult(0);
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("dataset", Markup.Escape(info.Dataset));
            grid.AddRow("version", info.Version);
            grid.AddRow("operation", Markup.Escape(info.Operation + " " + info.ParametersJson));
            grid.AddRow("parents", info.Parents.Count == 0 ? "(none)" : string.Join(", ", info.Parents.Select(Describe(ws))));
            grid.AddRow("created (UTC)", info.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            grid.AddRow("images", $"{N(info.ImageCount)} ({N(info.LabelledCount)} labelled, {N(info.ImageCount - info.LabelledCount)} unlabelled)");
            grid.AddRow("classes", Markup.Escape(snap.Classes.Count == 0 ? "(none)" : string.Join(", ", snap.Classes)));
            AnsiConsole.Write(grid);
            if (n > 0)
            {
                var table = new Table().AddColumns("file", "size", "labelled", "objects", "tags", "sha256");
                foreach (var i in snap.Images.Take(n))
                    table.AddRow(Markup.Escape(i.FileName), $"{i.Width}x{i.Height}", i.IsLabelled ? "yes" : "no", N(i.Objects.Count),
                        Markup.Escape(string.Join(",", i.Tags)), i.ContentHash[..12]);
                AnsiConsole.Write(table);
            }
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Stats()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME or NAME@VERSION" };
        var command = new Command("stats", "Statistics of a version: counts, classes, boxes, sizes, imbalance, warnings");
        command.Arguments.Add(reference);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var stats = DatasetStatistics.Compute(ws.OpenSnapshot(DatasetRef.Parse(parse.GetValue(reference)!)));
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(stats);
            else StatsView.Print(stats);
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Log()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME or NAME@VERSION" };
        var command = new Command("log", "The version's lineage: it and every ancestor (across datasets), newest first");
        command.Arguments.Add(reference);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var log = ws.Log(DatasetRef.Parse(parse.GetValue(reference)!));
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new Dictionary<string, object> { ["versions"] = log.Select(v => DatasetOutput.Version(v)).ToList() });
                return Task.FromResult(0);
            }
            foreach (var v in log)
            {
                AnsiConsole.MarkupLine($"[yellow]version {VersionIds.Short(v.Version)}[/] {Markup.Escape(v.Dataset)}  " +
                                       v.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
                if (v.Parents.Count > 0) Console.WriteLine("  parents: " + string.Join(", ", v.Parents.Select(Describe(ws))));
                Console.WriteLine($"  {v.Operation} {v.ParametersJson}");
                Console.WriteLine($"  {N(v.ImageCount)} images, {N(v.LabelledCount)} labelled");
                Console.WriteLine();
            }
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Labels()
    {
        var alias = new Option<string[]>("--alias") { Description = "Add an alias ALIAS=LABEL (repeatable), e.g. pedestrian=person" };
        var confirm = new Option<bool>("--confirm-relabel")
        {
            Description = "Allow an --alias whose name is a label in use (dog=cat renames every later 'dog' to 'cat')",
        };
        var command = new Command("labels", "The workspace's label space: labels and aliases");
        command.Options.Add(alias);
        command.Options.Add(confirm);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            foreach (var (from, to) in CliParsing.Map(parse.GetValue(alias), "--alias")) ws.AddAlias(from, to, parse.GetValue(confirm));
            var space = ws.Labels;
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new Dictionary<string, object> { ["labels"] = space.Labels, ["aliases"] = space.Aliases });
                return Task.FromResult(0);
            }
            var table = new Table().AddColumns("label", "aliases");
            foreach (var l in space.Labels)
                table.AddRow(Markup.Escape(l), Markup.Escape(string.Join(", ", space.Aliases.Where(a => a.Value == l).Select(a => a.Key))));
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Func<string, string> Describe(Workspace ws) =>
        id => ws.Metadata.GetVersion(id) is { } p ? $"{p.Dataset}@{VersionIds.Short(id)}" : VersionIds.Short(id);

    internal static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
