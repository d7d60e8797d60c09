using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Evaluation;
using Seer.Hosting.Training;
using Seer.Training.Registry;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "evaluation" (<see cref="EvaluationParameters"/>), two forms: {"model" (a trained registry model id), "dataset" (NAME[@VERSION])} scores the model
/// on the dataset with Seer.Training's predictor and Seer.Evaluation (metrics + PR curves, kept as the model's
/// evaluation.json); {"ground_truth", "results", "protocol" (coco|voc07|voc12, default coco)} scores a COCO results
/// file against COCO ground truth. Resumable: it only reads its inputs (and rewrites the model's report).
/// </summary>
public sealed class EvaluationJobHandler : IJobHandler
{
    private readonly PathPolicy _paths;
    private readonly Workspace _workspace;
    private readonly ModelMirror _mirror;
    private readonly IModelFiles _modelFiles;

    public EvaluationJobHandler(PathPolicy paths, Workspace workspace, ModelMirror mirror, IModelFiles modelFiles)
    {
        _paths = paths;
        _workspace = workspace;
        _mirror = mirror;
        _modelFiles = modelFiles;
    }

    public string Kind => "evaluation";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var p = Parse(parameters);
        if (p.Model is { } model)
        {
            _mirror.Records();   // in a cluster: a model a worker trained
            new FileModelRegistry(_workspace.Home).Get(model);
            _workspace.Resolve(JobParameters.Named(Kind, "dataset", () => DatasetRef.Parse(p.Dataset!)));
            return;
        }
        _paths.CheckReadable(p.GroundTruth!);
        _paths.CheckReadable(p.Results!);
    }

    /// <summary>The parameters of one of the two forms, with the protocol checked.</summary>
    private EvaluationParameters Parse(JsonElement parameters)
    {
        var p = JobParameters.Parse<EvaluationParameters>(parameters, Kind);
        if (p.Model is not null)
        {
            if (p.GroundTruth is not null || p.Results is not null)
                throw new SeerException(ErrorCodes.InvalidInput, "evaluation job: give either 'model' and 'dataset', or 'ground_truth' and 'results', not both", "model");
            if (string.IsNullOrEmpty(p.Dataset))
                throw new SeerException(ErrorCodes.InvalidInput, "evaluation job: parameter 'dataset' is required with 'model' (NAME[@VERSION])", "dataset");
            return p;
        }
        foreach (var (name, value) in new[] { ("ground_truth", p.GroundTruth), ("results", p.Results) })
            if (string.IsNullOrEmpty(value))
                throw new SeerException(ErrorCodes.InvalidInput, $"evaluation job: parameter '{name}' is required (or give 'model' and 'dataset')", name);
        if (p.Dataset is not null)
            throw new SeerException(ErrorCodes.InvalidInput, "evaluation job: 'dataset' goes with 'model'; a results file is scored against 'ground_truth'", "dataset");
        Protocol(p);
        return p;
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = Parse(context.Parameters);
        if (p.Model is { } model)
        {
            var data = _workspace.OpenSnapshot(DatasetRef.Parse(p.Dataset!));
            return Task.Run<object?>(() =>
            {
                context.Log($"evaluating model {model} on {data} ({data.Images.Count} images)");
                // In a cluster the model may have been trained on another machine: its weights come from the shared
                // store, and the report goes back there (the server's model page reads it).
                _mirror.Records();
                var registry = new FileModelRegistry(_workspace.Home);
                string id = registry.Get(model).Id;
                _mirror.Model(id);
                var report = ModelEvaluations.Run(registry, id, data, context.CpuThreads, context, cancellationToken);
                if (ModelMirror.IsMirror(registry.Folder(id))) _modelFiles.Publish(id, registry.Folder(id));
                context.Log($"{report.Model} on {report.Dataset}: " + string.Join(", ", report.Metrics
                    .Where(m => m.Value is double).Take(4).Select(m => $"{m.Key} {(double)m.Value!:0.####}")));
                return report;
            }, cancellationToken);
        }
        string gt = _paths.CheckReadable(p.GroundTruth!);
        string results = _paths.CheckReadable(p.Results!);
        var protocol = Protocol(p);
        return Task.Run<object?>(() =>
        {
            context.Log($"evaluating {results} against {gt} ({protocol})");
            var m = DetectionEvaluator.EvaluateCocoFiles(gt, results, protocol);
            context.Log($"AP {m.AP:0.####}, AP50 {m.AP50:0.####} over {m.ImageCount} images");
            return new
            {
                Protocol = protocol.ToString().ToLowerInvariant(), m.AP, m.AP50, m.AP75, m.APs, m.APm, m.APl, m.AR1, m.AR10, m.AR100,
                PerClassAp = m.PerClass, PerClassAp50 = m.PerClassAP50, m.InstanceCounts, m.ImageCount,
                PrCurves = m.PrCurves,
            };
        }, cancellationToken);
    }

    private static DetectionProtocol Protocol(EvaluationParameters p)
    {
        string name = p.Protocol;
        return Enum.TryParse<DetectionProtocol>(name, ignoreCase: true, out var protocol) && Enum.IsDefined(protocol)
            ? protocol
            : throw new SeerException(ErrorCodes.InvalidInput,
                $"evaluation job: unknown protocol '{name}'; protocols: {string.Join(", ", Enum.GetNames<DetectionProtocol>().Select(n => n.ToLowerInvariant()))}", "protocol");
    }
}
