using Seer.Mining.Inputs;

namespace Seer.Mining.Pool;

/// <summary>
/// A trained model as the miner sees it: encoded images in, one <see cref="ModelOutput"/> per image out (same order).
/// The CLI adapts Seer.Inference's ONNX Runtime predictor to it; the training engine's models can adapt the same way,
/// so this project holds no inference runtime.
/// </summary>
public interface IPoolModel
{
    /// <summary>Images per call that suit the model.</summary>
    int BatchSize { get; }

    IReadOnlyList<ModelOutput> Predict(IReadOnlyList<PoolImage> images, CancellationToken cancellationToken);
}
