using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>TorchSharp's SGD (momentum, nesterov) with L2 weight decay on weights of more than one dimension only.</summary>
public sealed class SgdOptimizer : IStepOptimizer
{
    private readonly optim.Optimizer inner;

    public SgdOptimizer(nn.Module model, double learningRate, double momentum, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (_, p) in model.named_parameters()) (p.dim() > 1 ? decay : noDecay).Add(p);
        inner = optim.SGD(new[]
        {
            new SGD.ParamGroup(decay, learningRate, momentum, 0, weightDecay, true, false),
            new SGD.ParamGroup(noDecay, learningRate, momentum, 0, 0, true, false),
        }, learningRate, momentum, 0, 0, true, false);
    }

    public void ZeroGrad() => inner.zero_grad();

    public void Step(double learningRate)
    {
        foreach (var group in inner.ParamGroups) group.LearningRate = learningRate;
        inner.step();
    }

    public void Save(BinaryWriter writer) => ((OptimizerHelper)inner).save_state_dict(writer);

    public void Load(BinaryReader reader) => ((OptimizerHelper)inner).load_state_dict(reader);

    public void Dispose() => inner.Dispose();
}
