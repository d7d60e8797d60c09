using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// ResNet-18: a stem, four stages of two <see cref="ResidualBlock"/>s (widths w, 2w, 4w, 8w; w = 64 is the paper's),
/// global average pooling and a linear layer. Inputs below 96 px use a 3x3 stride-1 stem without max-pooling (the
/// CIFAR variant); larger inputs use the 7x7 stride-2 stem + 3x3 max-pool. forward: [N,3,S,S] → logits [N,classes].
/// </summary>
public sealed class ResNet18 : Module<Tensor, Tensor>, IFeatureModel
{
    private readonly ConvBnAct stem;
    private readonly MaxPool2d? stem_pool;
    private readonly ResidualBlock layer1_0;
    private readonly ResidualBlock layer1_1;
    private readonly ResidualBlock layer2_0;
    private readonly ResidualBlock layer2_1;
    private readonly ResidualBlock layer3_0;
    private readonly ResidualBlock layer3_1;
    private readonly ResidualBlock layer4_0;
    private readonly ResidualBlock layer4_1;
    private readonly AdaptiveAvgPool2d gap;
    private readonly Linear fc;

    public ResNet18(int classes, int width, int imageSize) : base(nameof(ResNet18))
    {
        bool large = imageSize >= 96;
        stem = large ? new ConvBnAct(3, width, 7, 2) : new ConvBnAct(3, width, 3, 1);
        stem_pool = large ? MaxPool2d(3, 2, 1) : null;
        layer1_0 = new ResidualBlock(width, width);
        layer1_1 = new ResidualBlock(width, width);
        layer2_0 = new ResidualBlock(width, 2 * width, 2);
        layer2_1 = new ResidualBlock(2 * width, 2 * width);
        layer3_0 = new ResidualBlock(2 * width, 4 * width, 2);
        layer3_1 = new ResidualBlock(4 * width, 4 * width);
        layer4_0 = new ResidualBlock(4 * width, 8 * width, 2);
        layer4_1 = new ResidualBlock(8 * width, 8 * width);
        gap = AdaptiveAvgPool2d(1);
        fc = Linear(8 * width, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc.forward(Pooled(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier's input: the last stage averaged over the image, [N, 8 · width].</summary>
    public Tensor features(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Pooled(input).MoveToOuterDisposeScope();
    }

    private Tensor Pooled(Tensor input)
    {
        Tensor x = stem.forward(input);
        if (stem_pool is not null) x = stem_pool.forward(x);
        x = layer1_1.forward(layer1_0.forward(x));
        x = layer2_1.forward(layer2_0.forward(x));
        x = layer3_1.forward(layer3_0.forward(x));
        x = layer4_1.forward(layer4_0.forward(x));
        return gap.forward(x).flatten(1);
    }
}
