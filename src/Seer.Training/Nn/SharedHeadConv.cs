using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Nn;

/// <summary>
/// One layer of a detection head shared by the FPN levels: a 3x3 convolution whose weights every level shares, then a
/// batch norm of each level's own (EfficientDet's head) and SiLU. A batch norm shared by the levels normalises each
/// level with its own batch statistics in training but with one running average of all levels at inference, so the
/// deployed head sees features scaled unlike anything it trained on (FCOS uses GroupNorm in its head for the same
/// reason; per-level batch norms fold into the convolution at export and cost nothing at inference).
/// State-dict keys: <c>conv.weight</c>, <c>bn3.*</c>, <c>bn4.*</c>, <c>bn5.*</c> (levels P3, P4, P5).
/// </summary>
public sealed class SharedHeadConv : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNormLayer bn3;
    private readonly BatchNormLayer bn4;
    private readonly BatchNormLayer bn5;

    public SharedHeadConv(int channels) : base(nameof(SharedHeadConv))
    {
        conv = Conv2d(channels, channels, 3, stride: 1, padding: 1, bias: false);
        bn3 = new BatchNormLayer(channels);
        bn4 = new BatchNormLayer(channels);
        bn5 = new BatchNormLayer(channels);
        Channels = channels;
        RegisterComponents();
    }

    public int Channels { get; }

    /// <summary>The FPN levels' names in this layer's state dict, in level order (P3, P4, P5).</summary>
    public static readonly string[] LevelNorms = ["bn3", "bn4", "bn5"];

    /// <summary>Not used: a head layer needs its level; call <see cref="Forward(Tensor, int)"/>.</summary>
    public override Tensor forward(Tensor input) => throw new InvalidOperationException("SharedHeadConv needs the FPN level: call Forward(input, level)");

    /// <summary>conv → the batch norm of FPN level <paramref name="level"/> (0 = P3) → SiLU.</summary>
    public Tensor Forward(Tensor input, int level)
    {
        BatchNormLayer bn = level switch { 0 => bn3, 1 => bn4, 2 => bn5, _ => throw new ArgumentOutOfRangeException(nameof(level)) };
        return functional.silu(bn.forward(conv.forward(ChannelsLast.Ensure(input))));
    }
}
