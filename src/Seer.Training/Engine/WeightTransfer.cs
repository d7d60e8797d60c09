using Seer.Training.Models;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Transfer learning: initialises a new model from an earlier Seer model's weights. Every tensor whose name and shape
/// match is copied (so a changed class list keeps everything but the classifier/head output layer).
/// </summary>
public static class WeightTransfer
{
    public static int Apply(InitialWeights init, nn.Module<Tensor, Tensor> target, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var parentOptions = options with { Architecture = init.Architecture, Width = init.Width, ImageSize = init.ImageSize };
        using var source = ArchitectureRegistry.Create(init.Architecture, init.Classes, parentOptions);
        Checkpoint.LoadWeights(init.WeightsPath, source);
        var from = source.state_dict();
        int copied = 0;
        using (no_grad())
        {
            foreach (var (name, tensor) in target.state_dict())
            {
                if (from.TryGetValue(name, out Tensor? src) && src.shape.SequenceEqual(tensor.shape))
                {
                    tensor.copy_(src);
                    copied++;
                }
            }
        }
        return copied;
    }
}
