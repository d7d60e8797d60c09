using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// <c>fcos-resnet18</c>: FCOS with a ResNet-18 backbone (child <c>backbone</c>, a classifier-less <see cref="ResNet18"/>;
/// the ImageNet layout and input with <c>--pretrained</c>), the FPN over its strides 8, 16, 32 (128, 256, 512
/// channels → <c>width</c>) and the head of <see cref="FcosLite"/> (same module names, same output
/// [N, A, 5 + classes], same decoding and export). The FPN and head use SiLU, the backbone ReLU as it was trained.
/// </summary>
public sealed class FcosResNet18 : Module<Tensor, Tensor>, IFeatureModel, IBackboneModel
{
    private readonly ResNet18 backbone;
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

    public FcosResNet18(int classes, int width, int headConvs, ResNetLayout layout) : base(nameof(FcosResNet18))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headConvs, 1);
        const ActivationKind act = ActivationKind.SiLU;
        backbone = new ResNet18(0, 64, 256, layout);
        lat3 = new ConvBnAct(128, width, 1, 1, act);
        lat4 = new ConvBnAct(256, width, 1, 1, act);
        lat5 = new ConvBnAct(512, width, 1, 1, act);
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
            using Scalar prior = (-Math.Log((1 - 0.01) / 0.01)).ToScalar();
            cls_out.bias!.fill_(prior);
            reg_out.bias!.zero_();
        }
    }

    public ResNet18 Backbone => backbone;

    /// <summary>Prefix of the backbone's keys in this network's state dict.</summary>
    public string BackbonePrefix => "backbone.";

    nn.Module IBackboneModel.Backbone => backbone;

    public bool InBackbone(string parameterName) => parameterName.StartsWith(BackbonePrefix, StringComparison.Ordinal);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (c3, c4, c5) = backbone.Stages(input);
        return FcosLite.NeckAndHead(c3, c4, c5, new FcosLite.FcosParts(lat3, lat4, lat5, merge, smooth3, smooth4, cls_tower, reg_tower,
            clsMore, regMore, cls_out, reg_out, ctr_out)).MoveToOuterDisposeScope();
    }

    /// <summary>The scene's feature vector: the backbone's last stage averaged over the image, [N, 512].</summary>
    public Tensor features(Tensor input) => backbone.features(input);
}
