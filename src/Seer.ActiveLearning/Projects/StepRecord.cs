using System.Text.Json.Nodes;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// One recorded step of an iteration: running (started, not finished: a killed process leaves it so and the next run
/// redoes it), waiting (the label step waits for a labelling tool's export) or done; how many times it started; what it
/// produced (version ids, model id, counts) as JSON.
/// </summary>
public sealed record StepRecord(string Step, string State, int Attempts, JsonObject? Result, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Done = "done";

    /// <summary>A string the step's result holds (e.g. "version"), or null.</summary>
    public string? Get(string key) => Result?[key]?.GetValue<string>();
}
