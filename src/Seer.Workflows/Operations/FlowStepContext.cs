using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Training.Onnx;
using Seer.Training.Registry;
using Seer.Workflows.Cards;
using Seer.Workflows.Runs;

namespace Seer.Workflows.Operations;

/// <summary>What a step instance sees besides its inputs: the workspace, its run, a folder for its artifacts, its
/// card, the foreach it joins (if any), a log and progress, and the models of this machine's registry (in a cluster,
/// fetched from and shared with the other machines through <see cref="FlowModels"/>).</summary>
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
    /// <summary>The cluster's models (null on one machine, the embedded default: the registry is all there is).</summary>
    public FlowModels? Models { get; init; }

    /// <summary>
    /// This machine's model registry, holding <paramref name="model"/> (a registry id or unique prefix) when given: in a
    /// cluster a model another machine trained is copied here first, so a flow running as a job on any worker reads
    /// the same models as the server.
    /// </summary>
    public FileModelRegistry Registry(string? model = null)
    {
        if (model is not null) Models?.Fetch(model);
        return new FileModelRegistry(Home);
    }

    /// <summary>An .onnx file as given, else the registry model's ONNX export (copied from the cluster first, see <see cref="Registry"/>).</summary>
    public string ModelOnnx(string model) => File.Exists(model) ? model : RegistryOnnxExport.ExportCached(Registry(model), model);

    /// <summary>A model this step registered (trained, or an executor's): shared with the cluster's other machines.</summary>
    public void Registered(string modelId) => Models?.Publish(modelId);

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

/// <summary>
/// How a flow reaches the models of a cluster (set by the host that runs flows as jobs, from its model mirror):
/// <paramref name="Fetch"/> brings a model (id or unique prefix) another machine trained into this machine's registry;
/// <paramref name="Publish"/> shares a model registered here.
/// </summary>
public sealed record FlowModels(Action<string> Fetch, Action<string> Publish);
