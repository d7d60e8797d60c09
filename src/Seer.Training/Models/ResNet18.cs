using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// ResNet-18: a stem, four stages of <see cref="ResidualBlock"/>s (widths w, 2w, 4w, 8w; w = 64 is the paper's),
/// global average pooling and a linear layer. Two layouts (<see cref="ResNetLayout"/>):
/// <list type="bullet">
/// <item><see cref="ResNetLayout.Standard"/> (training from scratch): [2, 2, 2, 2] blocks; inputs below 96 px use a 3x3
/// stride-1 stem without max-pooling (the CIFAR variant), larger inputs the 7x7 stride-2 stem + 3x3 max-pool.</item>
/// <item><see cref="ResNetLayout.ImageNetOnnx"/> (<c>--pretrained</c>): the layout of the ImageNet ResNet-18 Seer
/// imports (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18): [2, 2, 2, 3] blocks (stage 4 has three), always the
/// 7x7 stride-2 stem + max-pool, and <see cref="CaffeBgrInput"/> in front (its BGR 0..255 − mean input).</item>
/// </list>
/// Block keys: <c>layer{stage}_{index}</c>. With <c>classes</c> 0 there is no classifier (a backbone: forward gives
/// the pooled features). forward: [N,3,S,S] → logits [N,classes].
/// </summary>
public sealed class ResNet18 : Module<Tensor, Tensor>, IFeatureModel, IBackboneModel
{
    private readonly CaffeBgrInput? input_adapter;
    private readonly ConvBnAct stem;
    private readonly MaxPool2d? stem_pool;
    private readonly ResidualBlock[][] stages;
    private readonly AdaptiveAvgPool2d gap;
    private readonly Linear? fc;

    public ResNet18(int classes, int width, int imageSize, ResNetLayout? layout = null) : base(nameof(ResNet18))
    {
        Layout = layout ?? ResNetLayout.Standard;
        bool large = imageSize >= 96 || Layout.AlwaysLargeStem;
        input_adapter = Layout.CaffeBgrInput ? new CaffeBgrInput() : null;
        stem = large ? new ConvBnAct(3, width, 7, 2) : new ConvBnAct(3, width, 3, 1);
        stem_pool = large ? MaxPool2d(3, 2, 1) : null;
        stages = new ResidualBlock[4][];
        int inC = width;
        for (int s = 0; s < 4; s++)
        {
            int outC = width << s;
            stages[s] = new ResidualBlock[Layout.Blocks[s]];
            for (int i = 0; i < stages[s].Length; i++)
            {
                stages[s][i] = new ResidualBlock(i == 0 ? inC : outC, outC, i == 0 && s > 0 ? 2 : 1);
            }
            inC = outC;
        }
        gap = AdaptiveAvgPool2d(1);
        fc = classes > 0 ? Linear(8 * width, classes) : null;
        FeatureWidth = 8 * width;
        if (input_adapter is not null) register_module("input_adapter", input_adapter);
        register_module("stem", stem);
        if (stem_pool is not null) register_module("stem_pool", stem_pool);
        for (int s = 0; s < 4; s++)
            for (int i = 0; i < stages[s].Length; i++)
                register_module(BlockName(s, i), stages[s][i]);
        register_module("gap", gap);
        if (fc is not null) register_module("fc", fc);
    }

    public ResNetLayout Layout { get; }

    nn.Module IBackboneModel.Backbone => this;

    /// <summary>The whole network is the backbone but for the classifier <c>fc</c>.</summary>
    public string BackbonePrefix => "";

    public bool InBackbone(string parameterName) => !parameterName.StartsWith("fc.", StringComparison.Ordinal);

    /// <summary>Channels of the pooled features (8 · width).</summary>
    public int FeatureWidth { get; }

    /// <summary>Block names in forward order (layer1_0, layer1_1, ..., layer4_N).</summary>
    public IEnumerable<string> BlockNames =>
        Enumerable.Range(0, 4).SelectMany(s => Enumerable.Range(0, stages[s].Length).Select(i => BlockName(s, i)));

    private static string BlockName(int stage, int index) => $"layer{stage + 1}_{index}";

    /// <summary>Sets every batch norm of the network to frozen statistics (see <see cref="BatchNormLayer.Frozen"/>).</summary>
    public void FreezeBatchNorm()
    {
        foreach (var (_, m) in named_modules())
            if (m is BatchNormLayer bn) bn.Frozen = true;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor pooled = Pooled(input);
        return (fc is null ? pooled : fc.forward(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier's input: the last stage averaged over the image, [N, 8 · width].</summary>
    public Tensor features(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Pooled(input).MoveToOuterDisposeScope();
    }

    /// <summary>The outputs of stages 2, 3 and 4 (strides 8, 16, 32; channels 2w, 4w, 8w): an FPN's inputs.</summary>
    public (Tensor C3, Tensor C4, Tensor C5) Stages(Tensor input)
    {
        Tensor x = Stage(Stem(input), 0);
        Tensor c3 = Stage(x, 1);
        Tensor c4 = Stage(c3, 2);
        return (c3, c4, Stage(c4, 3));
    }

    private Tensor Stem(Tensor input)
    {
        Tensor x = input_adapter is null ? input : input_adapter.forward(input);
        x = stem.forward(x);
        return stem_pool is null ? x : stem_pool.forward(x);
    }

    private Tensor Stage(Tensor x, int s)
    {
        foreach (ResidualBlock block in stages[s]) x = block.forward(x);
        return x;
    }

    private Tensor Pooled(Tensor input) => gap.forward(Stages(input).C5).flatten(1);
}

/// <summary>
/// Blocks per stage and input convention of a <see cref="ResNet18"/>. <see cref="Standard"/>: [2, 2, 2, 2], Seer's
/// normalised RGB input. <see cref="ImageNetOnnx"/>: [2, 2, 2, 3], 7x7 stem at every size, Caffe-style BGR input
/// (the ImageNet weights of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18).
/// </summary>
public sealed record ResNetLayout(int[] Blocks, bool CaffeBgrInput, bool AlwaysLargeStem)
{
    public static readonly ResNetLayout Standard = new([2, 2, 2, 2], false, false);
    public static readonly ResNetLayout ImageNetOnnx = new([2, 2, 2, 3], true, true);
}
