using Seer.Training.Engine;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Nn;

/// <summary>
/// ResNet's basic block: act(conv1(x) → conv2 (no activation) + shortcut(x)), where the shortcut is the identity or,
/// when stride or width change, a 1x1 ConvBnAct without activation. Keys: <c>conv1.*</c>, <c>conv2.*</c>,
/// <c>shortcut.*</c> (absent for identity).
/// </summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    private readonly ConvBnAct conv1;
    private readonly ConvBnAct conv2;
    private readonly ConvBnAct? shortcut;

    public ResidualBlock(int inChannels, int outChannels, int stride = 1, ActivationKind activation = ActivationKind.ReLU)
        : base(nameof(ResidualBlock))
    {
        conv1 = new ConvBnAct(inChannels, outChannels, 3, stride, activation);
        conv2 = new ConvBnAct(outChannels, outChannels, 3, 1, activation, withActivation: false);
        shortcut = stride != 1 || inChannels != outChannels
            ? new ConvBnAct(inChannels, outChannels, 1, stride, activation, withActivation: false)
            : null;
        Activation = activation;
        RegisterComponents();
    }

    public ActivationKind Activation { get; }

    public override Tensor forward(Tensor input)
    {
        Tensor b = conv2.forward(conv1.forward(input));
        Tensor sum = shortcut is null ? b.Plus(input) : b.Plus(shortcut.forward(input));
        return Activation == ActivationKind.SiLU ? functional.silu(sum) : functional.relu(sum);
    }
}
