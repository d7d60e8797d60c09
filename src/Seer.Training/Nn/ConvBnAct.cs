using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Nn;

/// <summary>
/// Conv2d (no bias, "same" padding for odd kernels) → BatchNorm2d → ReLU or SiLU. State-dict keys:
/// <c>conv.weight</c>, <c>bn.weight</c>, <c>bn.bias</c>, <c>bn.running_mean</c>, <c>bn.running_var</c>.
/// With <c>activation: false</c> the block ends after batch norm (a residual branch's last conv).
/// </summary>
public sealed class ConvBnAct : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNormLayer bn;

    public ConvBnAct(int inChannels, int outChannels, int kernel = 3, int stride = 1,
        ActivationKind activation = ActivationKind.ReLU, bool withActivation = true)
        : base(nameof(ConvBnAct))
    {
        conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: false);
        bn = new BatchNormLayer(outChannels);
        Activation = activation;
        WithActivation = withActivation;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        RegisterComponents();
    }

    public ActivationKind Activation { get; }
    public bool WithActivation { get; }
    public int InChannels { get; }
    public int OutChannels { get; }
    public int Kernel { get; }
    public int Stride { get; }

    public override Tensor forward(Tensor input)
    {
        Tensor y = bn.forward(conv.forward(ChannelsLast.Ensure(input)));
        if (!WithActivation) return y;
        return Activation == ActivationKind.SiLU ? functional.silu(y) : functional.relu(y);
    }
}
