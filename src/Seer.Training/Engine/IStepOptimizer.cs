namespace Seer.Training.Engine;

/// <summary>The optimizer as the loop uses it: clear gradients, step at a learning rate, save and load state.</summary>
public interface IStepOptimizer : IDisposable
{
    void ZeroGrad();

    void Step(double learningRate);

    void Save(BinaryWriter writer);

    void Load(BinaryReader reader);
}
