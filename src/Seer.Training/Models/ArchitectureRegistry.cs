using Seer.Core.Errors;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Models;

/// <summary>Architecture name → network constructor. Names: small-cnn, small-cnn-fc, resnet18 (classify); fcos-lite (detect).</summary>
public static class ArchitectureRegistry
{
    private static readonly Dictionary<string, (string Task, Func<int, TrainingOptions, nn.Module<Tensor, Tensor>> Create)> Known = new()
    {
        ["small-cnn"] = ("classify", (classes, o) => new SmallCnn(classes, o.Width, o.ImageSize)),
        ["small-cnn-fc"] = ("classify", (classes, o) => new SmallCnn(classes, o.Width, o.ImageSize, denseHidden: 8 * o.Width)),
        ["resnet18"] = ("classify", (classes, o) => new ResNet18(classes, o.Width, o.ImageSize)),
        ["fcos-lite"] = ("detect", (classes, o) => new FcosLite(classes, o.Width, o.HeadConvs)),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static nn.Module<Tensor, Tensor> Create(string architecture, int classes, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Known.TryGetValue(architecture, out var entry))
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"TrainingOptions.Architecture must be one of {string.Join(", ", Known.Keys)} (was {architecture}); set --arch");
        // Task embed: a classifier architecture is the backbone of an embedding network.
        if (options.Task == "embed" && entry.Task == "classify")
            return EmbeddingNet.Wrap(entry.Create(classes, options), options.ImageSize, classes, options.EmbeddingDim);
        if (entry.Task != options.Task)
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"architecture {architecture} is for task {entry.Task}, not {options.Task}; pick one of {string.Join(", ", Known.Where(k => k.Value.Task == options.Task).Select(k => k.Key))}");
        return entry.Create(classes, options);
    }
}
