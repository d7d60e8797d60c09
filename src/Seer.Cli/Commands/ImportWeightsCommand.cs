using System.CommandLine;
using Seer.Training.Engine;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer model import-weights FILE.onnx --arch A [--name N] [--json]</c>: maps an ONNX graph's Conv/BatchNormalization/
/// Gemm weights onto architecture A's backbone by graph structure (Seer.Training.Onnx.OnnxWeightImport) and stores them
/// as &lt;home&gt;/pretrained/N.weights, used by <c>seer train --pretrained N</c>. Prints the pairing counts.
/// </summary>
public static class ImportWeightsCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "ONNX model whose weights to import" };
        var arch = new Option<string>("--arch") { Description = "Seer architecture to map onto (resnet18, fcos-resnet18: their ResNet-18 backbone)", Required = true };
        var name = new Option<string?>("--name") { Description = "Name in the pretrained store (default: the file name without extension)" };
        var command = new Command("import-weights", "Import an ONNX backbone's weights into Seer's pretrained store (for --pretrained)");
        command.Arguments.Add(file);
        command.Options.Add(arch);
        command.Options.Add(name);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string path = Path.GetFullPath(parse.GetValue(file)!);
            string n = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
            string store = Path.Combine(GlobalOptions.ResolveHome(parse), "pretrained");
            PretrainedRecord r = PretrainedWeights.Import(path, parse.GetValue(arch)!, n, store);
            if (parse.GetValue(GlobalOptions.Json))
                Output.Json(new Dictionary<string, object?>
                {
                    ["name"] = r.Name, ["architecture"] = r.Architecture, ["source"] = r.Source, ["path"] = r.Path,
                    ["convs"] = r.Convs, ["batch_norms"] = r.BatchNorms, ["linears"] = r.Linears, ["tensors"] = r.Tensors,
                    ["not_imported"] = r.NotImported,
                });
            else
                Console.WriteLine($"imported {r.Convs} conv, {r.BatchNorms} batch-norm and {r.Linears} linear layers from {r.Source} as '{r.Name}' " +
                    $"({r.Tensors} tensors){(r.NotImported.Count > 0 ? $"; kept as initialised: {string.Join(", ", r.NotImported)}" : "")}; train with --pretrained {r.Name}");
            return Task.FromResult(0);
        });
        return command;
    }
}
