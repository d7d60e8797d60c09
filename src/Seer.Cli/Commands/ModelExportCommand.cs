using System.CommandLine;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Inference.Quantization;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer model export MODEL --format onnx --out FILE [--quantize int8 --calibrate DATASET[@V]]</c>: writes a registry
/// model as ONNX (batch norm folded) with its metadata, or its statically quantised INT8 (QDQ) form calibrated on real
/// images of a dataset version (Seer.Inference's <see cref="OnnxQuantizer"/>); also the registry resolver <c>seer predict MODEL_ID</c> uses (cached at &lt;home&gt;/models/&lt;id&gt;/model.onnx).
/// </summary>
public static class ModelExportCommand
{
    /// <summary>Registry id → path of its (cached) ONNX export, for <see cref="PredictCommands.ResolveRegistryId"/>.</summary>
    public static string? ResolveRegistryId(string home, string id)
    {
        SharedModels.Model(home, id);
        return RegistryOnnxExport.ExportCached(new FileModelRegistry(home), id);
    }

    public static Command Create()
    {
        var id = new Argument<string>("MODEL") { Description = "Model id (or unique prefix)" };
        var format = new Option<string>("--format") { Description = "Export format (onnx)", DefaultValueFactory = _ => "onnx" };
        var output = new Option<string>("--out") { Description = "Output file (.onnx)", Required = true };
        var quantize = new Option<string?>("--quantize") { Description = "int8: static INT8 quantisation (QDQ, per-channel weights), needs --calibrate" };
        var calibrate = new Option<string?>("--calibrate") { Description = "Dataset NAME[@VERSION] of real images to calibrate activation ranges on" };
        var calibrationImages = new Option<int>("--calibration-images") { Description = "At most this many calibration images, spread over the version (default 256)", DefaultValueFactory = _ => 256 };
        var command = new Command("export", "Export a model to ONNX with its metadata (class names, input size, normalisation, output layout, task); --quantize int8 for INT8");
        command.Arguments.Add(id);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(quantize);
        command.Options.Add(calibrate);
        command.Options.Add(calibrationImages);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string fmt = parse.GetValue(format)!.Trim().ToLowerInvariant();
            if (fmt != "onnx")
                throw new SeerException(ErrorCodes.InvalidInput, $"--format must be onnx (was '{parse.GetValue(format)}')");
            string path = Path.GetFullPath(parse.GetValue(output)!);
            string? quant = parse.GetValue(quantize)?.Trim().ToLowerInvariant();
            if (quant is not null || parse.GetValue(calibrate) is not null)
                return Task.FromResult(ExportInt8(parse, parse.GetValue(id)!, path, quant, parse.GetValue(calibrate), parse.GetValue(calibrationImages), ct));
            string? dir = Path.GetDirectoryName(path);
            if (dir is not null) Directory.CreateDirectory(dir);
            SharedModels.Model(GlobalOptions.ResolveHome(parse), parse.GetValue(id)!);
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

    /// <summary>
    /// The FP32 export (the registry's cached one, or MODEL itself when it is an .onnx file), quantised to INT8 into
    /// <paramref name="path"/> with calibration images from <paramref name="calibrate"/>. Refused before any work when
    /// --quantize is not int8 or --calibrate is missing.
    /// </summary>
    private static int ExportInt8(System.CommandLine.ParseResult parse, string model, string path, string? quant, string? calibrate, int maxImages, CancellationToken ct)
    {
        if (quant != "int8")
            throw new SeerException(ErrorCodes.InvalidOptions, quant is null
                ? "--calibrate applies to --quantize int8 only"
                : $"--quantize must be int8 (was '{quant}')");
        if (string.IsNullOrWhiteSpace(calibrate))
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"--quantize int8 needs --calibrate DATASET[@VERSION]: static INT8 quantisation sets each activation's range from real images " +
                $"like the ones the model will see (a few hundred of its validation or training set); model {model} was not quantised");
        if (maxImages is < 1 or > 100_000)
            throw new SeerException(ErrorCodes.InvalidOptions, $"--calibration-images must be between 1 and 100000 (was {maxImages})");
        string home = GlobalOptions.ResolveHome(parse);
        using var workspace = Workspace.Open(home);
        var snapshot = workspace.OpenSnapshot(DatasetRef.Parse(calibrate));
        var images = CalibrationSet.From(snapshot, maxImages, ct);
        string source = File.Exists(model) ? Path.GetFullPath(model) : ResolveRegistryId(home, model)!;
        var report = OnnxQuantizer.QuantizeInt8(source, path, images,
            new QuantizationOptions { MaxImages = maxImages, Source = snapshot.ToString() }, null, ct);
        using var check = Seer.Inference.Models.OnnxModel.Load(path); // the result opens like any Seer model
        if (parse.GetValue(GlobalOptions.Json))
            Output.Json(new Dictionary<string, object?>
            {
                ["model"] = model, ["format"] = "onnx", ["quantize"] = "int8", ["path"] = report.Path, ["source"] = source,
                ["task"] = check.Spec.Task, ["classes"] = check.Spec.ClassNames, ["input_size"] = check.Spec.InputWidth,
                ["calibration"] = new Dictionary<string, object?> { ["dataset"] = snapshot.ToString(), ["images"] = report.CalibrationImages },
                ["quantized_weights"] = report.QuantizedWeights, ["quantized_tensors"] = report.QuantizedTensors,
                ["folded_activations"] = report.FoldedActivations, ["bytes"] = report.Bytes, ["source_bytes"] = report.SourceBytes,
            });
        else
            Console.WriteLine($"quantised {model} to INT8 ({report.QuantizedWeights} weights, {report.QuantizedTensors} activations, " +
                              $"calibrated on {report.CalibrationImages} images of {snapshot}): {report.Path} ({report.Bytes / 1024} KiB, FP32 {report.SourceBytes / 1024} KiB)");
        return 0;
    }
}
