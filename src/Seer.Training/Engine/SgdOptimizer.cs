using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// SGD with momentum (Nesterov by default, dampening 0, as torch.optim.SGD) and L2 weight decay on weights of more than
/// one dimension only. Written here with explicit, disposed scalars like <see cref="AdamWOptimizer"/>: TorchSharp
/// 0.107's SGD converts numbers to Scalar implicitly, and a garbage collection can finalize those while libtorch
/// reads them (NaN after the first step; see Nn/BatchNormLayer). Momentum buffers start at zero, which with
/// dampening 0 equals PyTorch's "buffer = first gradient". The buffers are saved with checkpoints.
/// </summary>
public sealed class SgdOptimizer : IStepOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] momentumBuffer;
    private readonly double momentum;
    private readonly double weightDecay;
    private readonly bool nesterov;
    private readonly double[]? lrScales;

    /// <param name="lrScales">Per parameter (same order), a factor on the learning rate; null = 1 for all.</param>
    public SgdOptimizer(IEnumerable<Parameter> parameters, double momentum, double weightDecay, bool nesterov = true,
        IReadOnlyList<double>? lrScales = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.parameters = parameters.ToArray();
        this.lrScales = lrScales?.ToArray();
        if (this.lrScales is not null && this.lrScales.Length != this.parameters.Length)
            throw new ArgumentException($"{this.lrScales.Length} learning-rate scales for {this.parameters.Length} parameters", nameof(lrScales));
        momentumBuffer = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov && momentum > 0;
    }

    public void ZeroGrad()
    {
        foreach (var p in parameters) p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar decay = weightDecay.ToScalar(), keep = momentum.ToScalar(), step = (-learningRate).ToScalar();
        // one step scalar per distinct learning-rate scale (a pretrained backbone's, a class-centre layer's)
        var scaledSteps = (lrScales?.Where(v => v != 1).Distinct() ?? []).ToDictionary(f => f, f => (-learningRate * f).ToScalar());
        try
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                Parameter p = parameters[i];
                Tensor? grad = p.grad;
                if (grad is null) continue;
                Tensor d = weightDecay > 0 && p.dim() > 1 ? grad.add(p, alpha: decay) : grad;
                if (momentum > 0)
                {
                    momentumBuffer[i].mul_(keep).PlusInPlace(d);
                    d = nesterov ? d.add(momentumBuffer[i], alpha: keep) : momentumBuffer[i];
                }
                p.add_(d, alpha: lrScales is not null && lrScales[i] != 1 ? scaledSteps[lrScales[i]] : step);
            }
        }
        finally
        {
            foreach (var scalar in scaledSteps.Values) scalar.Dispose();
        }
    }

    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(parameters.Length);
        foreach (var buffer in momentumBuffer) OptimizerState.WriteTensor(writer, buffer);
    }

    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int count = reader.ReadInt32();
        if (count != parameters.Length) throw new InvalidDataException($"optimizer state has {count} tensors, the model {parameters.Length}");
        foreach (var buffer in momentumBuffer) OptimizerState.ReadTensor(reader, buffer);
    }

    public void Dispose()
    {
        foreach (var t in momentumBuffer) t.Dispose();
    }
}
