using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam moments with bias correction and decoupled weight decay on weights of more than
/// one dimension. Written here because TorchSharp 0.107's Adam/AdamW gave NaN after the first step on CPU for some
/// layer widths (probably the finalizer race of implicit scalars described in Nn/BatchNormLayer). State (step, first and second moments) is saved with checkpoints so a resumed run is identical.
/// The step count, and so the bias correction, is kept per parameter as PyTorch keeps it: a parameter that starts
/// training late (a backbone frozen for its first epochs, TrainingOptions.BackboneFreezeEpochs) starts corrected from
/// its own first step; with one global count its first update would be about 3x the learning rate per weight
/// (m / √v = 0.1 g / (0.032 |g|) without correction), which wrecked a pretrained backbone the moment it was unfrozen.
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
    private readonly long[] steps;
    // a checkpoint written since steps are per parameter starts with this marker (an older one with the global count)
    private const long PerParameterSteps = -2;

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
        steps = new long[this.parameters.Length];
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
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // explicit scalars, disposed after the loop: an implicitly converted Scalar can be finalized by a garbage
        // collection while libtorch still reads it (see Nn/BatchNormLayer). One set per distinct (step count,
        // learning-rate scale): usually one or two (a pretrained backbone's scale, a class-centre layer's, a backbone
        // that started late).
        using Scalar keep1 = beta1.ToScalar(), take1 = (1 - beta1).ToScalar();
        using Scalar keep2 = beta2.ToScalar(), take2 = (1 - beta2).ToScalar();
        using Scalar epsilon = eps.ToScalar();
        var scalars = new Dictionary<(long Step, double Scale), (Scalar Decay, Scalar Step, Scalar Correction)>();
        try
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                Parameter p = parameters[i];
                Tensor? grad = p.grad;
                if (grad is null) continue;
                long t = ++steps[i];
                double f = lrScales?[i] ?? 1;
                if (!scalars.TryGetValue((t, f), out var k))
                {
                    double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
                    scalars[(t, f)] = k = ((1 - learningRate * weightDecay * f).ToScalar(), (-learningRate / correction1 * f).ToScalar(),
                        Math.Sqrt(correction2).ToScalar());
                }
                if (weightDecay > 0 && p.dim() > 1) p.mul_(k.Decay);
                firstMoment[i].mul_(keep1).add_(grad, alpha: take1);
                secondMoment[i].mul_(keep2).addcmul_(grad, grad, value: take2);
                Tensor denom = secondMoment[i].sqrt().div_(k.Correction).PlusInPlace(epsilon);
                p.addcdiv_(firstMoment[i], denom, value: k.Step);
            }
        }
        finally
        {
            foreach (var (d, st, c) in scalars.Values)
            {
                d.Dispose();
                st.Dispose();
                c.Dispose();
            }
        }
    }

    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(PerParameterSteps);
        writer.Write(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            writer.Write(steps[i]);
            OptimizerState.WriteTensor(writer, firstMoment[i]);
            OptimizerState.WriteTensor(writer, secondMoment[i]);
        }
    }

    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long head = reader.ReadInt64();
        bool perParameter = head == PerParameterSteps;
        int count = reader.ReadInt32();
        if (count != parameters.Length) throw new InvalidDataException($"optimizer state has {count} tensors, the model {parameters.Length}");
        for (int i = 0; i < count; i++)
        {
            // an older checkpoint holds one count for every parameter
            steps[i] = perParameter ? reader.ReadInt64() : head;
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
