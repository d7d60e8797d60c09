using System.Text;
using System.Text.Json;
using Seer.Core.Errors;
using Seer.Training.Models;
using Seer.Training.Onnx;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>What <c>seer model import-weights</c> stored: the name, the source file and the pairing counts.</summary>
public sealed record PretrainedRecord(string Name, string Architecture, string Source, string Path, int Convs, int BatchNorms, int Linears,
    int Tensors, IReadOnlyList<string> NotImported, DateTimeOffset ImportedAt);

/// <summary>
/// The pretrained-weights store, <c>&lt;home&gt;/pretrained/NAME.weights</c> (+ NAME.json): backbone tensors imported
/// from ONNX (<see cref="OnnxWeightImport"/>) by name relative to the backbone (<see cref="IBackboneModel"/>), so one
/// import serves <c>resnet18</c> and <c>fcos-resnet18</c>. <c>--pretrained imagenet</c> is imported on first use from
/// the ImageNet ResNet-18 that <c>scripts/fetch-data.sh pretrained</c> puts in <c>.data/pretrained/ResNet18.onnx</c>
/// (looked for in SEER_PRETRAINED_ONNX, the store folder, and <c>.data/pretrained</c> above the current and the
/// program's folders).
/// </summary>
public static class PretrainedWeights
{
    public const string ImageNet = "imagenet";
    public const string ImageNetOnnxFile = "ResNet18.onnx";
    private const string Magic = "SEER-PRETRAINED-1";

    /// <summary>Imports an ONNX file onto <paramref name="architecture"/>'s backbone and stores it as <paramref name="name"/>.</summary>
    public static PretrainedRecord Import(string onnxPath, string architecture, string name, string storeDirectory)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', '.']) >= 0 || name.Trim() != name)
            throw new SeerException(ErrorCodes.InvalidInput, $"pretrained name '{name}' must be a plain name (no '/', '\\' or '.')");
        TrainingOptions options = OptionsFor(architecture, name);
        using var network = ArchitectureRegistry.Create(architecture, 2, options);
        nn.Module target = network is IBackboneModel bm ? bm.Backbone : network;
        OnnxImportResult result = OnnxWeightImport.Import(onnxPath, target);
        Directory.CreateDirectory(storeDirectory);
        string path = System.IO.Path.Combine(storeDirectory, name + ".weights");
        Save(path, result.Tensors);
        var record = new PretrainedRecord(name, architecture, System.IO.Path.GetFullPath(onnxPath), path, result.Convs, result.BatchNorms,
            result.Linears, result.Tensors.Count, result.NotImported, DateTimeOffset.UtcNow);
        File.WriteAllText(System.IO.Path.Combine(storeDirectory, name + ".json"), JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var t in result.Tensors.Values) t.Dispose();
        return record;
    }

    /// <summary>Task defaults for <paramref name="architecture"/> with <c>Pretrained</c> set (so the network has the pretrained layout).</summary>
    private static TrainingOptions OptionsFor(string architecture, string name)
    {
        string task = ArchitectureRegistry.TaskOf(architecture);
        return TrainingOptionsLoader.WithTaskDefaults(new TrainingOptions { Task = task, Architecture = architecture, Pretrained = name });
    }

    /// <summary>The stored weights file of <paramref name="name"/>; imagenet is imported first when it is not stored yet.</summary>
    public static string Resolve(string name, string? storeDirectory)
    {
        string store = storeDirectory ?? DefaultStore();
        string path = System.IO.Path.Combine(store, name + ".weights");
        if (File.Exists(path)) return path;
        if (name != ImageNet)
            throw new SeerException(ErrorCodes.NotFound,
                $"no pretrained weights named '{name}' in '{store}'; import them with `seer model import-weights FILE.onnx --arch A --name {name}`", path);
        string onnx = FindImageNetOnnx(store)
            ?? throw new SeerException(ErrorCodes.NotFound,
                $"the ImageNet ResNet-18 ({ImageNetOnnxFile}) was not found; run `scripts/fetch-data.sh pretrained` or set SEER_PRETRAINED_ONNX to its folder", store);
        return Import(onnx, "resnet18", ImageNet, store).Path;
    }

    /// <summary>True when <c>--pretrained imagenet</c> can be served (stored, or its ONNX file found).</summary>
    public static bool ImageNetAvailable(string? storeDirectory)
    {
        string store = storeDirectory ?? DefaultStore();
        return File.Exists(System.IO.Path.Combine(store, ImageNet + ".weights")) || FindImageNetOnnx(store) is not null;
    }

    private static string DefaultStore()
    {
        string? home = Environment.GetEnvironmentVariable("SEER_HOME");
        if (string.IsNullOrWhiteSpace(home)) home = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".seer");
        return System.IO.Path.Combine(home, "pretrained");
    }

    /// <summary>Looks for ResNet18.onnx in SEER_PRETRAINED_ONNX, the store, and .data/pretrained above the working and program folders.</summary>
    public static string? FindImageNetOnnx(string store)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("SEER_PRETRAINED_ONNX") is { Length: > 0 } env) candidates.Add(env);
        candidates.Add(store);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                candidates.Add(System.IO.Path.Combine(dir.FullName, ".data", "pretrained"));
        return candidates.Select(c => System.IO.Path.Combine(c, ImageNetOnnxFile)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Copies stored tensors into <paramref name="model"/>'s backbone (names prefixed with its BackbonePrefix; a stored
    /// <c>fc.*</c> whose shape differs is skipped). Every other stored tensor must exist with the same shape.
    /// Returns the number of tensors copied.
    /// </summary>
    public static int Apply(string weightsPath, nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string prefix = model is IBackboneModel bm ? bm.BackbonePrefix : "";
        var target = model.state_dict();
        var stored = Load(weightsPath);
        int copied = 0;
        try
        {
            using var noGrad = no_grad();
            foreach (var (name, tensor) in stored)
            {
                string key = prefix + name;
                bool fits = target.TryGetValue(key, out Tensor? dst) && dst.shape.SequenceEqual(tensor.shape);
                if (!fits)
                {
                    if (name.StartsWith("fc.", StringComparison.Ordinal)) continue;
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"pretrained weights '{weightsPath}' do not fit {model.GetName()}: '{key}' [{string.Join(",", tensor.shape)}] " +
                        (dst is null ? "is not in the network" : $"is [{string.Join(",", dst.shape)}] there"), weightsPath);
                }
                dst!.copy_(tensor);
                copied++;
            }
        }
        finally
        {
            foreach (var t in stored.Values) t.Dispose();
        }
        return copied;
    }

    private static void Save(string path, Dictionary<string, Tensor> tensors)
    {
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(tensors.Count);
            foreach (var (name, t) in tensors)
            {
                w.Write(name);
                w.Write(t.shape.Length);
                foreach (long d in t.shape) w.Write(d);
                float[] values = t.contiguous().data<float>().ToArray();
                w.Write(values.Length);
                foreach (float v in values) w.Write(v);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    private static Dictionary<string, Tensor> Load(string path)
    {
        if (!File.Exists(path)) throw new SeerException(ErrorCodes.NotFound, $"pretrained weights '{path}' do not exist", path);
        try
        {
            using var stream = File.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadString() != Magic) throw new SeerException(ErrorCodes.InvalidInput, $"'{path}' is not a Seer pretrained-weights file", path);
            int count = r.ReadInt32();
            var result = new Dictionary<string, Tensor>(count, StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                var shape = new long[r.ReadInt32()];
                for (int k = 0; k < shape.Length; k++) shape[k] = r.ReadInt64();
                var values = new float[r.ReadInt32()];
                for (int k = 0; k < values.Length; k++) values[k] = r.ReadSingle();
                result[name] = torch.tensor(values, shape);
            }
            return result;
        }
        catch (EndOfStreamException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"pretrained weights '{path}' are truncated", path, ex);
        }
    }
}
