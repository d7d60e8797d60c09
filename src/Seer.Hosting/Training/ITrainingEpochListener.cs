using Seer.Hosting.Jobs;
using Seer.Training.Engine;

namespace Seer.Hosting.Training;

/// <summary>
/// Told when a training job has finished and checkpointed an epoch (register in DI; none by default). The call is
/// on the training thread, between epochs: a listener that blocks holds the training there.
/// </summary>
public interface ITrainingEpochListener
{
    void EpochCompleted(JobInfo job, string model, EpochRecord epoch, CancellationToken cancellationToken);
}
