using System.CommandLine;
using Seer.Core.Errors;
using Seer.Core.Files;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer predict MODEL IMAGE_OR_FOLDER... [--out DIR] [--threshold T] [--iou U] [--manifest FILE] [--batch N] --json</c>:
/// runs a model (registry id or .onnx path) over images and prints COCO results with <c>file_name</c>; with --out
/// writes the images with their boxes drawn.
/// </summary>
public sealed class PredictCommands : ICommandFactory
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];

    /// <summary>Resolves a registry id to the path of its ONNX export; null when the id is unknown. Set by whoever wires the registry.</summary>
    public static Func<string, string, string?>? ResolveRegistryId { get; set; } = ModelExportCommand.ResolveRegistryId;

    public Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Registry model id, path to an .onnx file, or a face bundle (.face.json)" };
        var inputs = new Argument<string[]>("IMAGE_OR_FOLDER") { Description = "Image files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Write each image with its boxes drawn into this folder" };
        var threshold = new Option<float>("--threshold") { Description = "Minimum detection score (default 0.25)", DefaultValueFactory = _ => 0.25f };
        var iou = new Option<float>("--iou") { Description = "Class-aware NMS IoU threshold (default 0.45)", DefaultValueFactory = _ => 0.45f };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest of an external model (default: MODEL.seer.json beside it)" };
        var batch = new Option<int>("--batch") { Description = "Images per run (default 8)", DefaultValueFactory = _ => 8 };

        var command = new Command("predict", "Run a model over images: COCO results (with file_name), optional drawn images");
        command.Arguments.Add(model);
        command.Arguments.Add(inputs);
        command.Options.Add(output);
        command.Options.Add(threshold);
        command.Options.Add(iou);
        command.Options.Add(manifest);
        command.Options.Add(batch);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            string home = GlobalOptions.ResolveHome(parse);
            Func<string, string?>? resolver = ResolveRegistryId is null ? null : id => ResolveRegistryId(home, id);
            int batchSize = parse.GetValue(batch);
            if (batchSize is < 1 or > 4096) throw new SeerException(ErrorCodes.InvalidOptions, $"--batch must be between 1 and 4096 (was {batchSize})");
            foreach (var (option, value) in new[] { ("--threshold", parse.GetValue(threshold)), ("--iou", parse.GetValue(iou)) })
                if (!(value is >= 0f and <= 1f))
                    throw new SeerException(ErrorCodes.InvalidOptions, $"{option} must be a number between 0 and 1 (was {value})");
            string? outDir = parse.GetValue(output);
            if (outDir is not null) PrepareOutput(outDir);
            var files = ListImages(parse.GetValue(inputs)!, json, ct);
            if (Inference.Faces.FaceBundle.IsBundlePath(parse.GetValue(model)!))
            {
                // A face bundle: detection + landmarks + alignment + quality + embedding per face (docs/identity.md).
                PredictFaces.Run(parse.GetValue(model)!, files, DisplayNames(files),
                    parse.GetResult(threshold) is { Implicit: false } ? parse.GetValue(threshold) : null, outDir, json, ct);
                return Task.FromResult(0);
            }
            using var onnx = ModelOpener.Open(parse.GetValue(model)!, parse.GetValue(manifest), resolver);
            var predictor = new Predictor(onnx, new PredictorOptions
            {
                ScoreThreshold = parse.GetValue(threshold),
                IouThreshold = parse.GetValue(iou),
                BatchSize = batchSize,
            });
            var predictions = new List<ImagePrediction>(files.Count);
            var names = DisplayNames(files);
            var images = files.Select((f, i) => EncodedImage.FromFile(f) with { Name = names[i] });
            void Consume(Action? step)
            {
                int i = 0;
                foreach (var p in predictor.PredictStream(images, ct))
                {
                    predictions.Add(p);
                    if (outDir is not null) BoxPainter.DrawTo(EncodedImage.FromFile(files[i]), p, Path.Combine(outDir, names[i]));
                    i++;
                    step?.Invoke();
                }
            }
            if (json || files.Count < 2) Consume(null);
            else
                AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
                    .Start(ctx => { var task = ctx.AddTask("predict", maxValue: files.Count); Consume(() => task.Increment(1)); });

            // Embed models: one entry per image with its vector; the others: COCO results.
            object results = predictor.Spec.Task == "embed"
                ? predictions.Select((p, i) => new Dictionary<string, object> { ["image_id"] = i + 1, ["file_name"] = p.Name, ["embedding"] = p.Embedding ?? [] }).ToList()
                : CocoResults.From(predictions);
            if (json) Output.Json(results);
            else Print(predictions, outDir);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>
    /// Image files named or found under folders. Folders are walked like an import's source (named pipes, devices,
    /// link loops and unreadable folders are skipped and each is reported on stderr); a named file must be a regular file.
    /// </summary>
    private static List<string> ListImages(string[] inputs, bool json, CancellationToken ct)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            InputFiles.RequirePathLength(input, "image or folder");
            if (Directory.Exists(input))
            {
                using var source = Formats.FileSources.Open(input, ct);
                var found = source.Files.Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Select(source.Display).Order(StringComparer.Ordinal).ToList();
                foreach (var skipped in source.Skipped)
                    Console.Error.WriteLine(json
                        ? System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["skipped"] = skipped.File, ["reason"] = skipped.Reason })
                        : $"skipped {skipped.File}: {skipped.Reason}");
                if (found.Count == 0)
                    throw new SeerException(ErrorCodes.InvalidInput, $"folder '{input}' holds no images ({string.Join(" ", ImageExtensions)})", input);
                files.AddRange(found);
            }
            else
            {
                InputFiles.RequireRegular(input, "image");
                files.Add(input);
            }
        }
        return files;
    }

    /// <summary>Creates the --out folder up front, so an unwritable one fails before any work.</summary>
    private static void PrepareOutput(string outDir)
    {
        try
        {
            Directory.CreateDirectory(outDir);
            string probe = Path.Combine(outDir, $".seer-probe-{Environment.ProcessId}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot write the drawn images to --out {outDir}: {e.Message}", outDir, e);
        }
    }

    /// <summary>File names as results report them: the bare name, or the path relative to the common folder when names repeat.</summary>
    private static string[] DisplayNames(List<string> files)
    {
        var bare = files.Select(Path.GetFileName).ToArray();
        if (bare.Distinct(StringComparer.Ordinal).Count() == bare.Length) return bare!;
        string common = Path.GetDirectoryName(Path.GetFullPath(files[0]))!;
        foreach (var f in files)
            while (!Path.GetFullPath(f).StartsWith(common + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                common = Path.GetDirectoryName(common)!;
        return files.Select(f => Path.GetRelativePath(common, Path.GetFullPath(f)).Replace('\\', '/')).ToArray();
    }

    private static void Print(List<ImagePrediction> predictions, string? outDir)
    {
        var table = new Table().AddColumns("image", "size", "objects / class");
        foreach (var p in predictions)
        {
            string what = p.Classes.Count > 0
                ? $"{p.Classes[0].Label} {p.Classes[0].Score:0.000}"
                : p.Embedding is { } e && p.Detections.Count == 0 ? $"{e.Length}-d embedding"
                : p.Detections.Count == 0 ? "-"
                : string.Join(", ", p.Detections.GroupBy(d => d.Label).Select(g => $"{g.Count()} {g.Key}"));
            table.AddRow(Markup.Escape(p.Name), $"{p.Width}x{p.Height}", Markup.Escape(what));
        }
        AnsiConsole.Write(table);
        if (outDir is not null) AnsiConsole.MarkupLine($"drawn images in [bold]{Markup.Escape(outDir)}[/]");
    }
}
