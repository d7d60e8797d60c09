using System.CommandLine;
using Seer.Cli.Commands.Dataset;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Data.Versions;
using Seer.Formats;
using Seer.Formats.Handoff;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer label export DATASET --tool cvat|labelstudio --out DIR</c> writes a (mined) version as a labelling task,
/// pre-annotations included as predictions; <c>seer label import DIR --tool cvat|labelstudio --name DS</c> reads the
/// finished task back as a new version (predictions the labeller kept on a finished image become labels).
/// </summary>
public sealed class LabelCommands : ICommandFactory
{
    public Command Create()
    {
        var command = new Command("label", "Labelling: tasks in Seer's own tool (label task), or the hand-off to CVAT / Label Studio (export, import)");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(LabelTaskCommands.Create());
        return command;
    }

    private static Command Export()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME or NAME@VERSION (e.g. the output of seer mine)" };
        var tool = new Option<string>("--tool") { Description = "cvat (CVAT for images 1.1 XML) or labelstudio (JSON tasks)", Required = true };
        var output = new Option<string>("--out") { Description = "New or empty folder to write", Required = true };
        var command = new Command("export", "Write a version as a labelling task with its predictions");
        command.Arguments.Add(reference);
        command.Options.Add(tool);
        command.Options.Add(output);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            var exporter = LabellingTasks.Exporter(parse.GetValue(tool)!);
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var snap = ws.OpenSnapshot(DatasetRef.Parse(parse.GetValue(reference)!));
            string outDir = Path.GetFullPath(parse.GetValue(output)!);
            var report = await Task.Run(() => exporter.Write(snap, outDir), ct).ConfigureAwait(false);
            int predicted = snap.Images.Sum(i => i.Objects.Count(o => o.Source == Core.Annotations.AnnotationSource.Predicted));
            if (json)
            {
                Output.Json(new Dictionary<string, object?>
                {
                    ["dataset"] = snap.Name, ["version"] = snap.Version, ["tool"] = exporter.Format, ["out"] = outDir,
                    ["images"] = report.Images, ["objects"] = report.Objects, ["predicted_objects"] = predicted,
                    ["lost"] = DatasetOutput.Issues(report.Lost),
                });
                return 0;
            }
            AnsiConsole.MarkupLine($"wrote a {exporter.Format} task of {report.Images:N0} images ({predicted:N0} predicted objects) from " +
                                   $"[bold]{Markup.Escape(snap.Name)}@{VersionIds.Short(snap.Version)}[/] to {Markup.Escape(outDir)}");
            DatasetOutput.PrintIssues("lost", report.Lost);
            return 0;
        });
        return command;
    }

    private static Command Import()
    {
        var path = new Argument<string>("path") { Description = "Folder or .zip of the finished task (the tool's export with the images)" };
        var tool = new Option<string>("--tool") { Description = "cvat or labelstudio", Required = true };
        var name = new Option<string>("--name") { Description = "Dataset to import the labels into", Required = true };
        var keep = new Option<bool>("--keep-predictions") { Description = "Keep untouched predictions as predictions instead of labels" };
        var command = new Command("import", "Import a finished labelling task as a new version");
        command.Arguments.Add(path);
        foreach (var o in new Option[] { tool, name, keep }) command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            string source = Path.GetFullPath(parse.GetValue(path)!);
            var importer = LabellingTasks.Importer(parse.GetValue(tool)!, reviewedPredictionsAreLabels: !parse.GetValue(keep));
            var request = new ImportRequest(parse.GetValue(name)!)
            {
                Format = importer.Format + "-task",
                Source = Path.GetFileName(source.TrimEnd(Path.DirectorySeparatorChar)),
            };
            using var files = FileSources.Open(source, ct);
            var read = await FileSources.ReadAsync(importer, files, new ImportOptions(), ct).ConfigureAwait(false);
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var result = await new ImportPipeline(ws).RunAsync(read, request, null, ct).ConfigureAwait(false);
            if (json) Output.Json(DatasetTransferCommands.ImportJson(result));
            else DatasetTransferCommands.PrintImport(result);
            return 0;
        });
        return command;
    }
}
