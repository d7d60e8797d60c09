namespace Seer.Training.Engine;

/// <summary>A batch built on a worker thread (CPU arrays, no tensors yet); each task defines its own.</summary>
public interface ITrainBatch
{
    int Count { get; }
}
