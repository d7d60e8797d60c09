using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Inference;
using Seer.Inference.Annotation;
using Seer.Inference.Models;
using Seer.Labeling;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Workflows.Operations;

/// <summary>
/// <c>label-task</c> {dataset, classes?, assignees?, reviewer?, model? (pre-annotate: registry id or .onnx),
/// threshold? (0.25), into?, kind?} → {task, images, into, state}: a labelling task over a version's images (e.g. the
/// picks of a <c>mine</c> step), created by the same <see cref="LabelingStore"/> as <c>seer label-task create</c>,
/// origin {"flow_run", "step"}. Labellers work in the web UI; committing the task writes the labelled version.
/// </summary>
public sealed class LabelTaskOperation : IFlowOperation
{
    public string Name => "label-task";

    public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "dataset", "classes", "assignees", "reviewer", "model", "threshold", "into", "kind");
        List<string>? Names(string key) => inputs[key] switch
        {
            null => null,
            JsonArray a => a.Select(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw context.Invalid($"{key} must be a list of names")).ToList(),
            _ => throw context.Invalid($"{key} must be a list of names"),
        };
        using var workspace = Workspace.Open(context.Home);
        var reference = DatasetRef.Parse(context.RequireString(inputs, "dataset"));
        string? model = context.OptionalString(inputs, "model");
        IReadOnlyList<ImageRecord>? predictions = null;
        if (model is not null)
        {
            using var onnx = ModelOpener.Open(context.ModelOnnx(model));
            var predictor = new Predictor(onnx, new PredictorOptions { ScoreThreshold = (float)(context.OptionalNumber(inputs, "threshold") ?? 0.25) });
            predictions = await PreAnnotator.AnnotateAsync(workspace.OpenSnapshot(reference), predictor, context.Progress, cancellationToken).ConfigureAwait(false);
        }
        var request = new TaskRequest(reference.Name, reference.Version, Names("classes"), Names("assignees"),
            context.OptionalString(inputs, "reviewer"), model, context.OptionalString(inputs, "into"), context.OptionalString(inputs, "kind"))
        {
            Origin = new JsonObject { ["flow_run"] = context.RunId, ["step"] = context.Key },
        };
        var task = new LabelingStore(workspace).Create(request, Environment.UserName, predictions);
        context.Card.Table(["task", "dataset", "images", "into", "assignees"], [[task.Id, task.Dataset, task.Images, task.Into, string.Join(", ", task.Assignees)]], "labelling task");
        return new JsonObject { ["task"] = task.Id, ["images"] = task.Images, ["into"] = task.Into, ["state"] = task.State };
    }
}
