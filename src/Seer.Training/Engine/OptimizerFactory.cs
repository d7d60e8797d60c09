using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Makes the configured optimizer: adamw (<see cref="AdamWOptimizer"/>) or sgd (<see cref="SgdOptimizer"/>). Weights of
/// convolutions and linear layers get weight decay; batch-norm parameters and biases (1-d tensors) do not.
/// </summary>
public static class OptimizerFactory
{
    public static IStepOptimizer Create(nn.Module model, TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(o);
        return o.Optimizer == "sgd"
            ? new SgdOptimizer(model.parameters(), o.Momentum, o.WeightDecay)
            : new AdamWOptimizer(model.parameters(), o.WeightDecay);
    }
}
