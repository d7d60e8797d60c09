using System.CommandLine;
using Seer.Core.Errors;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer model export MODEL --format onnx --out FILE</c>: writes a registry model as ONNX (batch norm folded) with its
/// metadata; also the registry resolver <c>seer predict MODEL_ID</c> uses (cached at &lt;home&gt;/models/&lt;id&gt;/model.onnx).
/// </summary>
public static class ModelExportCommand
{
    /// <summary>Registry id → path of its (cached) ONNX export, for <see cref="PredictCommands.ResolveRegistryId"/>.</summary>
    public static string? ResolveRegistryId(string home, string id) =>
        RegistryOnnxExport.ExportCached(new FileModelRegistry(home), id);

    public static Command Create()
    {
        var id = new Argument<string>("MODEL") { Description = "Model id (or unique prefix)" };
        var format = new Option<string>("--format") { Description = "Export format (onnx)", DefaultValueFactory = _ => "onnx" };
        var output = new Option<string>("--out") { Description = "Output file (.onnx)", Required = true };
        var command = new Command("export", "Export a model to ONNX with its metadata (class names, input size, normalisation, output layout, task)");
        command.Arguments.Add(id);
        command.Options.Add(format);
        command.Options.Add(output);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string fmt = parse.GetValue(format)!.Trim().ToLowerInvariant();
            if (fmt != "onnx")
                throw new SeerException(ErrorCodes.InvalidInput, $"--format must be onnx (was '{parse.GetValue(format)}')");
            string path = Path.GetFullPath(parse.GetValue(output)!);
            string? dir = Path.GetDirectoryName(path);
            if (dir is not null) Directory.CreateDirectory(dir);
            var record = RegistryOnnxExport.Export(new FileModelRegistry(GlobalOptions.ResolveHome(parse)), parse.GetValue(id)!, path);
            var spec = RegistryOnnxExport.SpecFor(record);
            if (parse.GetValue(GlobalOptions.Json))
                Output.Json(new Dictionary<string, object?>
                {
                    ["model"] = record.Id, ["format"] = "onnx", ["path"] = path, ["task"] = record.Task,
                    ["architecture"] = record.Architecture, ["classes"] = record.Classes, ["input_size"] = record.ImageSize,
                    ["output_layout"] = record.Task == "detect" ? "boxes_scores" : "classifier_logits",
                    ["bytes"] = new FileInfo(path).Length,
                });
            else
                Console.WriteLine($"exported {record.Id} ({record.Architecture}, {spec.ClassNames.Count} classes, {record.ImageSize}px) to {path}");
            return Task.FromResult(0);
        });
        return command;
    }
}
