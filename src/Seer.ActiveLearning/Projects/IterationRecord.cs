using System.Text.Json.Nodes;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// One round of a project: its settings (strategy, top-k, training options, oracle), state (running, waiting, done),
/// and once done the training version it trained on, the number of labelled training images, the model and its
/// evaluation metrics (the evaluation keys: top1/... or AP/AP50/...); plus every step's record.
/// </summary>
public sealed record IterationRecord
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Done = "done";

    public required int Round { get; init; }
    public required string State { get; init; }
    public required JsonObject Settings { get; init; }
    public string? TrainVersion { get; init; }
    public string? Model { get; init; }
    public int? Labelled { get; init; }
    public JsonObject? Metrics { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public IReadOnlyList<StepRecord> Steps { get; init; } = [];

    public StepRecord? Step(string name) => Steps.FirstOrDefault(s => s.Step == name);
}
