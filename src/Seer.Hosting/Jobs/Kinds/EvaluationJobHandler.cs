using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Evaluation;
using Seer.Hosting.Training;
using Seer.Training.Registry;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "evaluation", two forms: {"model" (a trained registry model id), "dataset" (NAME[@VERSION])} scores the model
/// on the dataset with Seer.Training's predictor and Seer.Evaluation (metrics + PR curves, kept as the model's
/// evaluation.json); {"ground_truth", "results", "protocol" (coco|voc07|voc12, default coco)} scores a COCO results
/// file against COCO ground truth. Resumable: it only reads its inputs (and rewrites the model's report).
/// </summary>
public sealed class EvaluationJobHandler : IJobHandler
{
    private readonly PathPolicy _paths;
    private readonly Workspace _workspace;

    public EvaluationJobHandler(PathPolicy paths, Workspace workspace)
    {
        _paths = paths;
        _workspace = workspace;
    }

    public string Kind => "evaluation";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        if (JobParameters.OptionalString(parameters, "model", Kind) is { } model)
        {
            new FileModelRegistry(_workspace.Home).Get(model);
            _workspace.Resolve(DatasetRef.Parse(JobParameters.RequiredString(parameters, "dataset", Kind)));
            return;
        }
        _paths.CheckReadable(JobParameters.RequiredString(parameters, "ground_truth", Kind));
        _paths.CheckReadable(JobParameters.RequiredString(parameters, "results", Kind));
        Protocol(parameters);
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
        if (JobParameters.OptionalString(p, "model", Kind) is { } model)
        {
            var data = _workspace.OpenSnapshot(DatasetRef.Parse(JobParameters.RequiredString(p, "dataset", Kind)));
            return Task.Run<object?>(() =>
            {
                context.Log($"evaluating model {model} on {data} ({data.Images.Count} images)");
                var report = ModelEvaluations.Run(new FileModelRegistry(_workspace.Home), model, data, context.CpuThreads, context, cancellationToken);
                context.Log($"{report.Model} on {report.Dataset}: " + string.Join(", ", report.Metrics
                    .Where(m => m.Value is double).Take(4).Select(m => $"{m.Key} {(double)m.Value!:0.####}")));
                return report;
            }, cancellationToken);
        }
        string gt = _paths.CheckReadable(JobParameters.RequiredString(p, "ground_truth", Kind));
        string results = _paths.CheckReadable(JobParameters.RequiredString(p, "results", Kind));
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

    private DetectionProtocol Protocol(JsonElement p)
    {
        string name = JobParameters.OptionalString(p, "protocol", Kind) ?? "coco";
        return Enum.TryParse<DetectionProtocol>(name, ignoreCase: true, out var protocol) && Enum.IsDefined(protocol)
            ? protocol
            : throw new SeerException(ErrorCodes.InvalidInput,
                $"evaluation job: unknown protocol '{name}'; protocols: {string.Join(", ", Enum.GetNames<DetectionProtocol>().Select(n => n.ToLowerInvariant()))}", "protocol");
    }
}
