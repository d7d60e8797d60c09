using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// <c>fcos-resnet18</c>: FCOS with a ResNet-18 backbone (child <c>backbone</c>, a classifier-less <see cref="ResNet18"/>;
/// the ImageNet layout and input with <c>--pretrained</c>), the FPN over its strides 8, 16, 32 (128, 256, 512
/// channels → <c>width</c>) and the head of <see cref="FcosHead"/> (the module names, output [N, A, 5 + classes],
/// decoding and export of <see cref="FcosLite"/>). The FPN and head use SiLU, the backbone ReLU as it was trained.
/// </summary>
public sealed class FcosResNet18 : Module<Tensor, Tensor>, IFeatureModel, IBackboneModel
{
    private readonly ResNet18 backbone;
    private readonly FcosHead head;

    public FcosResNet18(int classes, int width, int headConvs, ResNetLayout layout) : base(nameof(FcosResNet18))
    {
        backbone = new ResNet18(0, 64, 256, layout);
        head = new FcosHead(128, 256, 512, width, classes, headConvs);
        RegisterComponents();
        head.RegisterOn((name, module) => register_module(name, module));
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
        return head.Forward(c3, c4, c5).MoveToOuterDisposeScope();
    }

    /// <summary>The scene's feature vector: the backbone's last stage averaged over the image, [N, 512].</summary>
    public Tensor features(Tensor input) => backbone.features(input);
}
