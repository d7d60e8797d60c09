using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// A one-stage anchor-free detector in the FCOS style, sized for CPU: a residual backbone (strides 2..32, channels
/// w/4·[1,2,4,8,16]), an FPN over strides 8, 16, 32 (1x1 laterals, nearest upsample + add, 3x3 smoothing) and a head
/// shared by the three levels (a tower of <c>headConvs</c> 3x3 ConvBnAct each for classification and regression, named
/// <c>cls_tower</c>, <c>cls_tower2</c>, ... and <c>reg_tower</c>, <c>reg_tower2</c>, ..., then 1x1 convs).
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
    private readonly ConvBnAct lat3;
    private readonly ConvBnAct lat4;
    private readonly ConvBnAct lat5;
    private readonly UpsampleAdd merge;
    private readonly ConvBnAct smooth3;
    private readonly ConvBnAct smooth4;
    private readonly ConvBnAct cls_tower;
    private readonly ConvBnAct reg_tower;
    private readonly Conv2d cls_out;
    private readonly Conv2d reg_out;
    private readonly Conv2d ctr_out;
    private readonly ConvBnAct[] clsMore;
    private readonly ConvBnAct[] regMore;

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
        lat3 = new ConvBnAct(4 * b, width, 1, 1, act);
        lat4 = new ConvBnAct(8 * b, width, 1, 1, act);
        lat5 = new ConvBnAct(16 * b, width, 1, 1, act);
        merge = new UpsampleAdd();
        smooth3 = new ConvBnAct(width, width, 3, 1, act);
        smooth4 = new ConvBnAct(width, width, 3, 1, act);
        cls_tower = new ConvBnAct(width, width, 3, 1, act);
        reg_tower = new ConvBnAct(width, width, 3, 1, act);
        cls_out = Conv2d(width, classes, 1);
        reg_out = Conv2d(width, 4, 1);
        ctr_out = Conv2d(width, 1, 1);
        clsMore = new ConvBnAct[headConvs - 1];
        regMore = new ConvBnAct[headConvs - 1];
        for (int i = 0; i < headConvs - 1; i++)
        {
            clsMore[i] = new ConvBnAct(width, width, 3, 1, act);
            regMore[i] = new ConvBnAct(width, width, 3, 1, act);
        }
        RegisterComponents();
        for (int i = 0; i < headConvs - 1; i++)
        {
            register_module($"cls_tower{i + 2}", clsMore[i]);
            register_module($"reg_tower{i + 2}", regMore[i]);
        }
        using (no_grad())
        {
            using Scalar prior = (-Math.Log((1 - 0.01) / 0.01)).ToScalar(); // prior probability 0.01 (RetinaNet/FCOS)
            cls_out.bias!.fill_(prior);
            reg_out.bias!.zero_();
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (c3, c4, c5) = Backbone(input);
        return NeckAndHead(c3, c4, c5, new FcosParts(lat3, lat4, lat5, merge, smooth3, smooth4, cls_tower, reg_tower, clsMore, regMore, cls_out, reg_out, ctr_out))
            .MoveToOuterDisposeScope();
    }

    /// <summary>The FPN and head modules of an FCOS network (FcosLite and FcosResNet18 share their names and code).</summary>
    internal sealed record FcosParts(ConvBnAct Lat3, ConvBnAct Lat4, ConvBnAct Lat5, UpsampleAdd Merge, ConvBnAct Smooth3,
        ConvBnAct Smooth4, ConvBnAct ClsTower, ConvBnAct RegTower, ConvBnAct[] ClsMore, ConvBnAct[] RegMore, Conv2d ClsOut,
        Conv2d RegOut, Conv2d CtrOut);

    /// <summary>FPN over C3..C5 and the shared head: [N, A, 5 + classes] (see the class summary).</summary>
    internal static Tensor NeckAndHead(Tensor c3, Tensor c4, Tensor c5, FcosParts m)
    {
        Tensor p5 = m.Lat5.forward(c5);
        Tensor p4 = m.Smooth4.forward(m.Merge.forward(m.Lat4.forward(c4), p5));
        Tensor p3 = m.Smooth3.forward(m.Merge.forward(m.Lat3.forward(c3), p4));
        var levels = new List<Tensor>(3);
        foreach (Tensor p in new[] { p3, p4, p5 })
        {
            Tensor r = m.RegTower.forward(p);
            foreach (ConvBnAct more in m.RegMore) r = more.forward(r);
            Tensor c = m.ClsTower.forward(p);
            foreach (ConvBnAct more in m.ClsMore) c = more.forward(c);
            r = ChannelsLast.Ensure(r);
            c = ChannelsLast.Ensure(c);
            Tensor level = cat([m.RegOut.forward(r), m.CtrOut.forward(r), m.ClsOut.forward(c)], 1);
            levels.Add(level.flatten(2));
        }
        return cat(levels, 2).permute(0, 2, 1).contiguous();
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
