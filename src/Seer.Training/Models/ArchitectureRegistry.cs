using Seer.Core.Errors;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Models;

/// <summary>
/// Architecture name → network constructor. Names: small-cnn, small-cnn-fc, resnet18 (classify); fcos-lite,
/// fcos-resnet18 (detect). With TrainingOptions.Pretrained set, resnet18 and fcos-resnet18 take the ImageNet layout
/// (<see cref="ResNetLayout.ImageNetOnnx"/>) with frozen batch-norm statistics in the backbone.
/// </summary>
public static class ArchitectureRegistry
{
    private static readonly Dictionary<string, (string Task, Func<int, TrainingOptions, nn.Module<Tensor, Tensor>> Create)> Known = new()
    {
        ["small-cnn"] = ("classify", (classes, o) => new SmallCnn(classes, o.Width, o.ImageSize)),
        ["small-cnn-fc"] = ("classify", (classes, o) => new SmallCnn(classes, o.Width, o.ImageSize, denseHidden: 8 * o.Width)),
        ["resnet18"] = ("classify", (classes, o) => Frozen(new ResNet18(classes, o.Width, o.ImageSize, Layout(o)), o)),
        ["fcos-lite"] = ("detect", (classes, o) => new FcosLite(classes, o.Width, o.HeadConvs)),
        ["fcos-resnet18"] = ("detect", (classes, o) => Frozen(new FcosResNet18(classes, o.Width, o.HeadConvs, Layout(o)), o)),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    /// <summary>The task an architecture is for.</summary>
    public static string TaskOf(string architecture) => Known.TryGetValue(architecture, out var entry) ? entry.Task
        : throw new SeerException(ErrorCodes.InvalidOptions, $"architecture must be one of {string.Join(", ", Known.Keys)} (was {architecture}); set --arch");

    private static ResNetLayout Layout(TrainingOptions o) => o.Pretrained.Length > 0 ? ResNetLayout.ImageNetOnnx : ResNetLayout.Standard;

    private static nn.Module<Tensor, Tensor> Frozen(nn.Module<Tensor, Tensor> model, TrainingOptions o)
    {
        if (o.Pretrained.Length > 0 && model is IBackboneModel bm)
        {
            if (o.FreezeBatchNorm)
                foreach (var (_, m) in bm.Backbone.named_modules())
                    if (m is Nn.BatchNormLayer bn) bn.Frozen = true;
            // the stem and the first stage stay as pretrained (generic edges and textures; as torchvision's default of
            // three trainable stages): no gradients are computed for them, a quarter less backward work
            if (o.FreezeStem)
                foreach (var (name, p) in bm.Backbone.named_parameters())
                    if (name.StartsWith("stem.", StringComparison.Ordinal) || name.StartsWith("layer1_", StringComparison.Ordinal))
                        p.requires_grad = false;
        }
        return model;
    }

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
