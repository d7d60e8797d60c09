using System.CommandLine;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Data.Labels;
using Seer.Data.Versions;
using Seer.Formats;
using Spectre.Console;

namespace Seer.Cli.Commands.Dataset;

/// <summary><c>seer dataset import|export</c>: files in any supported format to and from dataset versions.</summary>
internal static class DatasetTransferCommands
{
    public static Command Import()
    {
        var path = new Argument<string>("path") { Description = "Folder or .zip to import" };
        var format = new Option<string>("--format") { Description = "voc, coco, yolo, folders, labelme, idx", Required = true };
        var name = new Option<string?>("--name") { Description = "Dataset to import into (default: the folder or zip name)" };
        var map = new Option<string[]>("--map") { Description = "Map a source label to a workspace label: FROM=TO (repeatable); recorded as an alias" };
        var unknown = new Option<string>("--unknown-labels")
        {
            Description = "Labels the label space does not know: add (default; listed in the output) or refuse (fail naming them)",
            DefaultValueFactory = _ => "add",
        };
        var verify = new Option<string>("--verify")
        {
            Description = "header (default: header, size and file ending checks) or decode (also decode every image fully)",
            DefaultValueFactory = _ => "header",
        };
        var maxPixels = new Option<long>("--max-pixels")
        {
            Description = "Refuse images above this many pixels (decompression bombs; default 100000000)",
            DefaultValueFactory = _ => 100_000_000,
        };
        var annotations = new Option<string?>("--annotations") { Description = "Annotation file to read when the format has a choice (COCO)" };
        var command = new Command("import", "Import a folder or .zip as a new version of a dataset");
        command.Arguments.Add(path);
        foreach (var o in new Option[] { format, name, map, unknown, verify, maxPixels, annotations }) command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            string source = Path.GetFullPath(parse.GetValue(path)!);
            string verifyMode = parse.GetValue(verify)!;
            if (verifyMode is not ("header" or "decode"))
                throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions, $"--verify must be header or decode (was '{verifyMode}')");
            if (parse.GetValue(maxPixels) < 1)
                throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions, $"--max-pixels must be > 0 (was {parse.GetValue(maxPixels)})");
            var request = new ImportRequest(parse.GetValue(name) ?? DefaultName(source))
            {
                LabelMap = CliParsing.Map(parse.GetValue(map), "--map"),
                UnknownLabels = CliParsing.Enum<UnknownLabelPolicy>(parse.GetValue(unknown)!, "--unknown-labels"),
                VerifyDecode = verifyMode == "decode",
                MaxPixels = parse.GetValue(maxPixels),
                Format = parse.GetValue(format)!,
                Source = Path.GetFileName(source.TrimEnd(Path.DirectorySeparatorChar)),
            };
            var result = await RunImportAsync(GlobalOptions.ResolveHome(parse), source, request, parse.GetValue(annotations), !json, ct)
                .ConfigureAwait(false);
            if (json) Output.Json(ImportJson(result));
            else PrintImport(result);
            return 0;
        });
        return command;
    }

    /// <summary>Opens the source, reads it with the format's importer and runs the import pipeline.</summary>
    internal static async Task<ImportResult> RunImportAsync(string home, string source, ImportRequest request, string? annotationFile,
        bool showProgress, CancellationToken ct)
    {
        var importer = FormatRegistry.GetImporter(request.Format);
        using var files = FileSources.Open(source, ct);
        var read = await FileSources.ReadAsync(importer, files, new ImportOptions { MaxPixels = request.MaxPixels, AnnotationFile = annotationFile }, ct)
            .ConfigureAwait(false);
        using var ws = Workspace.Open(home);
        return await CliProgress.RunAsync(showProgress, $"importing {Markup.Escape(request.Dataset)}",
            progress => new ImportPipeline(ws).RunAsync(read, request, progress, ct)).ConfigureAwait(false);
    }

    internal static Dictionary<string, object?> ImportJson(ImportResult r) => new()
    {
        ["dataset"] = r.Dataset,
        ["version"] = r.Version,
        ["short"] = VersionIds.Short(r.Version),
        ["created"] = r.Created,
        ["images"] = r.Images,
        ["labelled"] = r.Labelled,
        ["unlabelled"] = r.Images - r.Labelled,
        ["objects"] = r.Objects,
        ["rejected"] = DatasetOutput.Issues(r.Rejected),
        ["warnings"] = DatasetOutput.Issues(r.Warnings),
        ["new_labels"] = r.NewLabels,
        ["mapped_labels"] = r.MappedLabels,
        ["classes"] = r.Classes,
        ["new_blobs"] = r.NewBlobs,
        ["new_bytes"] = r.NewBytes,
    };

    internal static void PrintImport(ImportResult r)
    {
        string what = r.Created ? "new version" : "same content as the head; no new version";
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(r.Dataset)}@{VersionIds.Short(r.Version)}[/] ({what}): {r.Images:N0} images " +
                               $"({r.Labelled:N0} labelled, {r.Images - r.Labelled:N0} unlabelled), {r.Objects:N0} objects, classes: " +
                               Markup.Escape(string.Join(", ", r.Classes)));
        if (r.NewLabels.Count > 0) AnsiConsole.MarkupLine($"new labels added to the label space: {Markup.Escape(string.Join(", ", r.NewLabels))}");
        foreach (var (from, to) in r.MappedLabels) AnsiConsole.MarkupLine($"mapped label {Markup.Escape(from)} -> {Markup.Escape(to)}");
        if (r.Rejected.Count > 0) AnsiConsole.MarkupLine($"[red]{r.Rejected.Count} rejected:[/]");
        DatasetOutput.PrintIssues("rejected", r.Rejected);
        DatasetOutput.PrintIssues("warning", r.Warnings);
    }

    public static Command Export()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME or NAME@VERSION" };
        var format = new Option<string>("--format") { Description = "voc, coco, yolo, folders, labelme, idx", Required = true };
        var output = new Option<string>("--out") { Description = "New or empty folder to write", Required = true };
        var command = new Command("export", "Write a version in a format, to a folder the same format's import reads");
        command.Arguments.Add(reference);
        command.Options.Add(format);
        command.Options.Add(output);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            var exporter = FormatRegistry.GetExporter(parse.GetValue(format)!);
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var snap = ws.OpenSnapshot(DatasetRef.Parse(parse.GetValue(reference)!));
            string outDir = Path.GetFullPath(parse.GetValue(output)!);
            var report = await CliProgress.RunAsync(!json, $"exporting {Markup.Escape(snap.Name)}",
                progress => Task.Run(() => exporter.Write(snap, outDir, progress), ct)).ConfigureAwait(false);
            if (json)
            {
                Output.Json(new Dictionary<string, object?>
                {
                    ["dataset"] = snap.Name, ["version"] = snap.Version, ["format"] = exporter.Format, ["out"] = outDir,
                    ["images"] = report.Images, ["objects"] = report.Objects, ["lost"] = DatasetOutput.Issues(report.Lost),
                });
                return 0;
            }
            AnsiConsole.MarkupLine($"wrote {report.Images:N0} images, {report.Objects:N0} objects of " +
                                   $"[bold]{Markup.Escape(snap.Name)}@{VersionIds.Short(snap.Version)}[/] as {exporter.Format} to {Markup.Escape(outDir)}");
            if (report.Lost.Count > 0) AnsiConsole.MarkupLine($"[yellow]{report.Lost.Count} things the {exporter.Format} format cannot hold:[/]");
            DatasetOutput.PrintIssues("lost", report.Lost);
            return 0;
        });
        return command;
    }

    private static string DefaultName(string source)
    {
        string name = Path.GetFileName(source.TrimEnd(Path.DirectorySeparatorChar));
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
        return new string(name.Select(c => c is '@' or '/' or '\\' || char.IsWhiteSpace(c) ? '-' : c).ToArray());
    }
}
