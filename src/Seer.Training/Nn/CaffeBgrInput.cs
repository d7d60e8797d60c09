using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Nn;

/// <summary>
/// Turns Seer's network input (RGB, (pixel/255 − ImageNet mean) / ImageNet std, see Normalization.ImageNet) into the
/// input the imported ImageNet ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, a CNTK export) was trained
/// on: BGR, 0..255, minus a per-channel mean, no division. Both are affine per channel, so it is one fixed 1x1
/// convolution with a channel-swapping weight and a bias; buffers, not parameters (nothing trains it, nothing saves
/// it), and the ONNX export writes the same Conv. The training pipeline, the predictor and the export keep one
/// normalisation for every architecture.
/// </summary>
public sealed class CaffeBgrInput : Module<Tensor, Tensor>
{
    /// <summary>Per-channel means (B, G, R) on 0..255: the per-channel averages of ResNetPreprocess.onnx's mean image.</summary>
    public static readonly float[] MeanBgr = [103.06262f, 115.90288f, 123.15163f];

    private static readonly float[] RgbMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] RgbStd = [0.229f, 0.224f, 0.225f];

    private readonly Tensor weight;
    private readonly Tensor bias;

    public CaffeBgrInput() : base(nameof(CaffeBgrInput))
    {
        var (w, b) = Affine();
        weight = tensor(w, [3, 3, 1, 1]);
        bias = tensor(b, [3]);
        register_buffer("weight", weight, false);
        register_buffer("bias", bias, false);
    }

    /// <summary>
    /// The 1x1 convolution: out[c] = in[2 − c]·255·std[2 − c] + 255·mean[2 − c] − MeanBgr[c] (out channel c is BGR,
    /// in channel 2 − c the same colour in RGB). Weight [3, 3] row-major (out, in), bias [3].
    /// </summary>
    public static (float[] Weight, float[] Bias) Affine()
    {
        var w = new float[9];
        var b = new float[3];
        for (int c = 0; c < 3; c++)
        {
            int rgb = 2 - c;
            w[c * 3 + rgb] = 255f * RgbStd[rgb];
            b[c] = 255f * RgbMean[rgb] - MeanBgr[c];
        }
        return (w, b);
    }

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor w = weight.device == input.device ? weight : weight.to(input.device);
        Tensor b = bias.device == input.device ? bias : bias.to(input.device);
        return functional.conv2d(input, w, b);
    }
}
