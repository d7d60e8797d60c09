using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// A one-stage anchor-free detector in the FCOS style, sized for CPU: a residual backbone (strides 2..32, channels
/// w/4·[1,2,4,8,16]), then <see cref="FcosHead"/>: an FPN over strides 8, 16, 32 and a head whose convolutions the three
/// levels share, each level with its own batch norms.
/// Input [N,3,S,S] with S a multiple of 32. Output [N, A, 5 + classes] with A = Σ (S/stride)² locations in level
/// order P3, P4, P5, row-major; per location: 4 raw box distances (left, top, right, bottom; decoded as
/// exp(v) * stride), 1 centerness logit, then class logits. Decoding lives in <c>FcosDecoder</c>.
/// </summary>
public sealed class FcosLite : Module<Tensor, Tensor>, IFeatureModel
{
    public static readonly int[] Strides = [8, 16, 32];

    private readonly ConvBnAct stem;
    private readonly ConvBnAct down1;
    private readonly ConvBnAct down2;
    private readonly ResidualBlock stage3;
    private readonly ConvBnAct down3;
    private readonly ResidualBlock stage4;
    private readonly ConvBnAct down4;
    private readonly ResidualBlock stage5;
    private readonly FcosHead head;

    public FcosLite(int classes, int width, int headConvs = 1) : base(nameof(FcosLite))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headConvs, 1);
        int b = Math.Max(4, width / 4);
        const ActivationKind act = ActivationKind.SiLU;
        stem = new ConvBnAct(3, b, 3, 2, act);
        down1 = new ConvBnAct(b, 2 * b, 3, 2, act);
        down2 = new ConvBnAct(2 * b, 4 * b, 3, 2, act);
        stage3 = new ResidualBlock(4 * b, 4 * b, 1, act);
        down3 = new ConvBnAct(4 * b, 8 * b, 3, 2, act);
        stage4 = new ResidualBlock(8 * b, 8 * b, 1, act);
        down4 = new ConvBnAct(8 * b, 16 * b, 3, 2, act);
        stage5 = new ResidualBlock(16 * b, 16 * b, 1, act);
        head = new FcosHead(4 * b, 8 * b, 16 * b, width, classes, headConvs);
        RegisterComponents();
        head.RegisterOn((name, module) => register_module(name, module));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (c3, c4, c5) = Backbone(input);
        return head.Forward(c3, c4, c5).MoveToOuterDisposeScope();
    }

    /// <summary>The scene's feature vector: the deepest backbone stage (stride 32) averaged over the image, [N, C5].</summary>
    public Tensor features(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Backbone(input).C5.mean([2L, 3L]).MoveToOuterDisposeScope();
    }

    private (Tensor C3, Tensor C4, Tensor C5) Backbone(Tensor input)
    {
        Tensor c3 = stage3.forward(down2.forward(down1.forward(stem.forward(input))));
        Tensor c4 = stage4.forward(down3.forward(c3));
        return (c3, c4, stage5.forward(down4.forward(c4)));
    }
}
