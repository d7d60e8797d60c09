using Seer.Training.Engine;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Nn;

/// <summary>
/// The FPN top-down merge: nearest-neighbour upsampling of the coarser map by 2, added to the lateral map
/// (ONNX: Resize mode=nearest, Add). No parameters.
/// </summary>
public sealed class UpsampleAdd : Module<Tensor, Tensor, Tensor>
{
    public UpsampleAdd() : base(nameof(UpsampleAdd))
    {
        RegisterComponents();
    }

    /// <summary>Returns lateral + upsample2x(coarse).</summary>
    public override Tensor forward(Tensor lateral, Tensor coarse)
    {
        Tensor up = functional.interpolate(coarse, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return lateral.Plus(up);
    }
}
