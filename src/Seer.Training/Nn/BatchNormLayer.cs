using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Nn;

/// <summary>
/// 2-d batch normalisation with the state-dict keys of torch's BatchNorm2d (<c>weight</c>, <c>bias</c>,
/// <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>), written here because TorchSharp 0.107's
/// BatchNorm2d bumps <c>num_batches_tracked</c> with an implicitly converted <see cref="Scalar"/> that nothing keeps
/// alive: when a garbage collection lands during that native call, the finalizer frees the scalar under libtorch
/// ("Unknown scalar type", or garbage values that surface as NaN losses). Every scalar here is explicit and disposed
/// after the call.
/// </summary>
public sealed class BatchNormLayer : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor runningMean;
    private readonly Tensor runningVar;
    private readonly Tensor batchesTracked;
    private readonly double momentum;
    private readonly double eps;

    public BatchNormLayer(long features, double eps = 1e-5, double momentum = 0.1) : base("BatchNorm2d")
    {
        this.eps = eps;
        this.momentum = momentum;
        weight = new Parameter(ones(features));
        bias = new Parameter(zeros(features));
        runningMean = zeros(features);
        runningVar = ones(features);
        batchesTracked = zeros([], ScalarType.Int64);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("running_mean", runningMean, true);
        register_buffer("running_var", runningVar, true);
        register_buffer("num_batches_tracked", batchesTracked, true);
    }

    /// <summary>
    /// Frozen statistics (pretrained backbones, whose small fine-tuning batches would spoil the ImageNet statistics):
    /// normalises with the running mean and variance in training too and never updates them; γ and β still train.
    /// </summary>
    public bool Frozen { get; set; }

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Frozen) return functional.batch_norm(input, runningMean, runningVar, weight, bias, false, momentum, eps);
        if (training)
        {
            using var noGrad = no_grad();
            using Scalar one = 1L.ToScalar();
            batchesTracked.add_(one, one); // add_(s) alone passes a hidden implicit alpha
        }
        return functional.batch_norm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }
}
