using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Workflows.Cards;
using Seer.Workflows.Runs;

namespace Seer.Workflows.Operations;

/// <summary>What a step instance sees besides its inputs: the workspace, its run, a folder for its artifacts, its
/// card, the foreach it joins (if any), a log and progress.</summary>
public sealed class FlowStepContext
{
    public required string Home { get; init; }
    public required string RunId { get; init; }
    /// <summary><c>step</c> or <c>foreach[i].step</c>.</summary>
    public required string Key { get; init; }
    public required string StepId { get; init; }
    public required FlowRunStore Store { get; init; }
    /// <summary>A folder of this step instance's own under the run (created on first use).</summary>
    public required string ArtifactDirectory { get; init; }
    public required Card Card { get; init; }
    /// <summary>The foreach step this step joins, with the ids of its body steps; null when it joins none.</summary>
    public (string Foreach, IReadOnlyList<string> BodySteps)? Join { get; init; }
    public Action<string> Log { get; init; } = _ => { };
    public IProgress<WorkProgress>? Progress { get; init; }

    public string ArtifactPath(string fileName)
    {
        Directory.CreateDirectory(ArtifactDirectory);
        return Path.Combine(ArtifactDirectory, fileName);
    }

    public SeerException Invalid(string message) => new(ErrorCodes.InvalidInput, $"step '{Key}': {message}");

    public string RequireString(JsonObject inputs, string key) =>
        inputs[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0
            ? v.GetValue<string>()
            : throw Invalid($"input '{key}' must be a non-empty string (was {inputs[key]?.ToJsonString() ?? "missing"})");

    public string? OptionalString(JsonObject inputs, string key) => inputs[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw Invalid($"input '{key}' must be a string (was {other.ToJsonString()})"),
    };

    public double? OptionalNumber(JsonObject inputs, string key) => inputs[key] switch
    {
        null => null,
        JsonValue v when Seer.Workflows.Definition.FlowExpressions.TryNumber(v, out double d) => d,
        var other => throw Invalid($"input '{key}' must be a number (was {other.ToJsonString()})"),
    };

    public bool? OptionalBool(JsonObject inputs, string key) => inputs[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        var other => throw Invalid($"input '{key}' must be true or false (was {other.ToJsonString()})"),
    };

    /// <summary>Refuses keys the operation does not read, so a typo is not silently ignored.</summary>
    public void AllowOnly(JsonObject inputs, params string[] keys)
    {
        foreach (var (key, _) in inputs)
            if (Array.IndexOf(keys, key) < 0)
                throw Invalid($"unknown input '{key}' for op (allowed: {string.Join(", ", keys)})");
    }
}
