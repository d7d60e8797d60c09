using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Makes the configured optimizer: adamw (<see cref="AdamWOptimizer"/>) or sgd (<see cref="SgdOptimizer"/>). Weights of
/// convolutions and linear layers get weight decay; batch-norm parameters and biases (1-d tensors) do not. A pretrained
/// backbone trains at <see cref="TrainingOptions.BackboneLrScale"/> times the learning rate; the class-centre layer of
/// task embed (<c>head.*</c> of <see cref="Models.EmbeddingNet"/>) at <see cref="TrainingOptions.CentreLrScale"/> times.
/// </summary>
public static class OptimizerFactory
{
    public static IStepOptimizer Create(nn.Module model, TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(o);
        var named = model.named_parameters().ToList();
        // a pretrained backbone trains at BackboneLrScale times the learning rate
        double[]? scales = o.Pretrained.Length > 0 && model is Models.IBackboneModel bm
            ? named.Select(p => bm.InBackbone(p.name) ? o.BackboneLrScale : 1.0).ToArray()
            : null;
        // the class centres of task embed: each identity's row learns only from the few steps that hold its images
        if (model is Models.EmbeddingNet && o.CentreLrScale != 1)
        {
            scales ??= [.. named.Select(_ => 1.0)];
            for (int i = 0; i < named.Count; i++)
                if (named[i].name.StartsWith("head.", StringComparison.Ordinal)) scales[i] = o.CentreLrScale;
        }
        var parameters = named.Select(p => p.parameter);
        return o.Optimizer == "sgd"
            ? new SgdOptimizer(parameters, o.Momentum, o.WeightDecay, lrScales: scales)
            : new AdamWOptimizer(parameters, o.WeightDecay, lrScales: scales);
    }
}
