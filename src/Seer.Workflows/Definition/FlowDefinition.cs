using System.Text.Json.Nodes;

namespace Seer.Workflows.Definition;

/// <summary>
/// A flow as written in its file (YAML or JSON, schema in docs/flow.schema.json): parameters with defaults, steps run
/// in order, and the outputs the run reports. <see cref="SourceText"/> is kept with every run so a resume runs the
/// flow it started with, even if the file changed since.
/// </summary>
public sealed record FlowDefinition(
    string Name,
    JsonObject Params,
    IReadOnlyList<FlowStep> Steps,
    JsonObject Outputs,
    string SourceText,
    string SourceFormat);

/// <summary>
/// One step. Exactly one of <see cref="Op"/> (an operation, e.g. <c>train</c>) or <see cref="Foreach"/> with a body
/// of <see cref="Steps"/> is set. <see cref="With"/> holds the operation's inputs, where <c>${...}</c> references are
/// substituted when the step runs; <see cref="If"/> skips the step when it is false; <see cref="Join"/> names a foreach
/// step whose branches the operation reads (for <c>best</c> and <c>collect</c>).
/// </summary>
public sealed record FlowStep(
    string Id,
    string? Op,
    JsonNode? With,
    string? If,
    FlowForeach? Foreach,
    IReadOnlyList<FlowStep> Steps,
    string? Join,
    bool Card);

/// <summary>Fan-out: <see cref="Items"/> (a list, or a <c>${...}</c> reference to one, or <c>{"range": N}</c>),
/// run at most <see cref="Concurrency"/> branches at a time.</summary>
public sealed record FlowForeach(JsonNode Items, int Concurrency);
