using System.CommandLine;
using System.Globalization;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Synthesis;
using Seer.Data.Versions;
using Seer.Imaging.Synthesis;
using Spectre.Console;

namespace Seer.Cli.Commands.Dataset;

/// <summary><c>seer dataset synth</c>: a composite detection version from a classification version's items and real photos.</summary>
internal static class DatasetSynthCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Dataset to write (the new version becomes its head)" };
        var backgrounds = new Option<string>("--backgrounds") { Description = "Folder of real photos (jpg, png, bmp, webp; searched recursively)", Required = true };
        var items = new Option<string>("--items") { Description = "Classification NAME[@VERSION] whose images are pasted (dark background = transparent)", Required = true };
        var classes = new Option<string[]>("--classes") { Description = "Item classes to use, comma-separated or repeated (default: all of the items version's)" };
        var count = new Option<int>("--count") { Description = "Images to make (default 1000)", DefaultValueFactory = _ => 1000 };
        var size = new Option<string>("--size") { Description = "Image size WxH (default 256x256)", DefaultValueFactory = _ => "256x256" };
        var minSize = new Option<int>("--min-size") { Description = "Smallest pasted item side in pixels (default 24)", DefaultValueFactory = _ => 24 };
        var maxSize = new Option<int>("--max-size") { Description = "Largest pasted item side in pixels (default 96)", DefaultValueFactory = _ => 96 };
        var minObjects = new Option<int>("--min-objects") { Description = "Fewest objects per image (default 1)", DefaultValueFactory = _ => 1 };
        var maxObjects = new Option<int>("--max-objects") { Description = "Most objects per image (default 4)", DefaultValueFactory = _ => 4 };
        var maxOverlap = new Option<double>("--max-overlap") { Description = "Largest IoU between two objects of an image (default 0.1)", DefaultValueFactory = _ => 0.1 };
        var encoding = new Option<string>("--encoding") { Description = "jpg (default) or png", DefaultValueFactory = _ => "jpg" };
        var seed = new Option<int>("--seed") { Description = "Random seed (default 1); use a different one per split", DefaultValueFactory = _ => 1 };
        var command = new Command("synth",
            "Make a detection version: items of a classification version pasted at random scales onto real photos, exact boxes");
        command.Arguments.Add(name);
        foreach (var o in new Option[] { backgrounds, items, classes, count, size, minSize, maxSize, minObjects, maxObjects, maxOverlap, encoding, seed })
            command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            var (width, height) = ParseSize(parse.GetValue(size)!);
            var request = new SynthesisRequest(parse.GetValue(name)!, Path.GetFullPath(parse.GetValue(backgrounds)!), DatasetRef.Parse(parse.GetValue(items)!))
            {
                Classes = CliParsing.List(parse.GetValue(classes)),
                Count = parse.GetValue(count),
                Composite = new CompositeOptions
                {
                    Width = width,
                    Height = height,
                    MinSize = parse.GetValue(minSize),
                    MaxSize = parse.GetValue(maxSize),
                    MinObjects = parse.GetValue(minObjects),
                    MaxObjects = parse.GetValue(maxObjects),
                    MaxOverlap = parse.GetValue(maxOverlap),
                    Encoding = "." + parse.GetValue(encoding)!.TrimStart('.').ToLowerInvariant(),
                    Seed = parse.GetValue(seed),
                },
            };
            using var ws = Workspace.Open(GlobalOptions.ResolveHome(parse));
            var commit = await CliProgress.RunAsync(!json, $"synthesising {Markup.Escape(request.Dataset)}",
                progress => new DatasetSynthesis(ws).RunAsync(request, progress, ct)).ConfigureAwait(false);
            var snapshot = ws.OpenSnapshot(new DatasetRef(commit.Version.Dataset, commit.Version.Version));
            int objects = snapshot.Images.Sum(i => i.Objects.Count);
            if (json)
            {
                var map = DatasetOutput.Version(commit.Version, commit.Created);
                map["objects"] = objects;
                map["classes"] = snapshot.Classes.ToList();
                Output.Json(map);
                return 0;
            }
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(commit.Version.Dataset)}@{VersionIds.Short(commit.Version.Version)}[/] " +
                                   $"({(commit.Created ? "new version" : "existing version")}): {snapshot.Images.Count:N0} images, {objects:N0} objects, classes: " +
                                   Markup.Escape(string.Join(", ", snapshot.Classes)));
            return 0;
        });
        return command;
    }

    private static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h))
            return (w, h);
        throw new SeerException(ErrorCodes.InvalidOptions, $"--size expects WxH such as 256x256 (was '{text}')");
    }
}
