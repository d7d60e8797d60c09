using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam moments with bias correction and decoupled weight decay on weights of more than
/// one dimension. Written here because TorchSharp 0.107's Adam/AdamW gave NaN after the first step on CPU for some
/// layer widths (probably the finalizer race of implicit scalars described in Nn/BatchNormLayer). State (step, first and second moments) is saved with checkpoints so a resumed run is identical.
/// </summary>
public sealed class AdamWOptimizer : IStepOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] firstMoment;
    private readonly Tensor[] secondMoment;
    private readonly double beta1;
    private readonly double beta2;
    private readonly double eps;
    private readonly double weightDecay;
    private readonly double[]? lrScales;
    private long steps;

    /// <param name="lrScales">Per parameter (same order), a factor on the learning rate (pretrained backbones train slower, class centres of task embed faster); null = 1 for all.</param>
    public AdamWOptimizer(IEnumerable<Parameter> parameters, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        IReadOnlyList<double>? lrScales = null)
    {
        this.parameters = parameters.ToArray();
        this.lrScales = lrScales?.ToArray();
        if (this.lrScales is not null && this.lrScales.Length != this.parameters.Length)
            throw new ArgumentException($"{this.lrScales.Length} learning-rate scales for {this.parameters.Length} parameters", nameof(lrScales));
        firstMoment = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        secondMoment = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            p.grad?.zero_();
        }
    }

    public void Step(double learningRate)
    {
        steps++;
        double correction1 = 1 - Math.Pow(beta1, steps), correction2 = 1 - Math.Pow(beta2, steps);
        double stepSize = learningRate / correction1;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // explicit scalars, disposed after the loop: an implicitly converted Scalar can be finalized by a garbage
        // collection while libtorch still reads it (see Nn/BatchNormLayer)
        using Scalar decay = (1 - learningRate * weightDecay).ToScalar();
        using Scalar keep1 = beta1.ToScalar(), take1 = (1 - beta1).ToScalar();
        using Scalar keep2 = beta2.ToScalar(), take2 = (1 - beta2).ToScalar();
        using Scalar correction = Math.Sqrt(correction2).ToScalar(), epsilon = eps.ToScalar();
        using Scalar step = (-stepSize).ToScalar();
        // one decay and one step scalar per distinct learning-rate scale (a pretrained backbone's, a class-centre layer's)
        var scaled = new Dictionary<double, (Scalar Decay, Scalar Step)>();
        try
        {
            foreach (double f in lrScales?.Where(v => v != 1).Distinct() ?? [])
                scaled[f] = ((1 - learningRate * weightDecay * f).ToScalar(), (-stepSize * f).ToScalar());
            for (int i = 0; i < parameters.Length; i++)
            {
                Parameter p = parameters[i];
                Tensor? grad = p.grad;
                if (grad is null) continue;
                var (pDecay, pStep) = lrScales is not null && lrScales[i] != 1 ? scaled[lrScales[i]] : (decay, step);
                if (weightDecay > 0 && p.dim() > 1) p.mul_(pDecay);
                firstMoment[i].mul_(keep1).add_(grad, alpha: take1);
                secondMoment[i].mul_(keep2).addcmul_(grad, grad, value: take2);
                Tensor denom = secondMoment[i].sqrt().div_(correction).PlusInPlace(epsilon);
                p.addcdiv_(firstMoment[i], denom, value: pStep);
            }
        }
        finally
        {
            foreach (var (d, st) in scaled.Values)
            {
                d.Dispose();
                st.Dispose();
            }
        }
    }

    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(steps);
        writer.Write(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            OptimizerState.WriteTensor(writer, firstMoment[i]);
            OptimizerState.WriteTensor(writer, secondMoment[i]);
        }
    }

    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        steps = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != parameters.Length) throw new InvalidDataException($"optimizer state has {count} tensors, the model {parameters.Length}");
        for (int i = 0; i < count; i++)
        {
            OptimizerState.ReadTensor(reader, firstMoment[i]);
            OptimizerState.ReadTensor(reader, secondMoment[i]);
        }
    }

    public void Dispose()
    {
        foreach (var t in firstMoment) t.Dispose();
        foreach (var t in secondMoment) t.Dispose();
    }
}
