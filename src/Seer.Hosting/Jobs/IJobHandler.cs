using System.Text.Json;

namespace Seer.Hosting.Jobs;

/// <summary>Runs one kind of job (import, export, evaluation, pre-annotation, ...). Register as a DI singleton.</summary>
public interface IJobHandler
{
    string Kind { get; }

    /// <summary>
    /// True when running the job again after an interruption is safe and continues the work (it resumes from its
    /// checkpoint or its steps are idempotent); such jobs are requeued after a restart, others are marked failed.
    /// </summary>
    bool Resumable { get; }

    /// <summary>CPU threads the job asks for unless the request says otherwise.</summary>
    int DefaultCpuThreads { get; }

    /// <summary>Checks the parameters before the job is queued; throws an invalid_input SeerException naming the field.</summary>
    void Validate(JsonElement parameters);

    /// <summary>
    /// Checks the parameters for the user submitting the job (kinds whose inputs belong to someone check access
    /// here, so a job the user may not run is refused at submission, not when it runs).
    /// </summary>
    void Validate(JsonElement parameters, string user) => Validate(parameters);

    /// <summary>Does the work; returns the result object (serialised as the job's result JSON).</summary>
    Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken);
}
