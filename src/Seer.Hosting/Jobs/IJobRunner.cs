namespace Seer.Hosting.Jobs;

/// <summary>
/// A worker that takes jobs from an <see cref="IJobQueue"/> and runs them on its resource slots. The embedded host
/// runs one in-process (<see cref="LocalJobRunner"/>); a remote worker implements the same loop against a shared queue.
/// </summary>
public interface IJobRunner
{
    /// <summary>The worker's name as recorded on the jobs it claims.</summary>
    string WorkerId { get; }

    /// <summary>Ids of the jobs running here now.</summary>
    IReadOnlyCollection<long> Running { get; }

    /// <summary>Tells the runner that jobs were queued or cancelled, so it looks at once.</summary>
    void Wake();
}
