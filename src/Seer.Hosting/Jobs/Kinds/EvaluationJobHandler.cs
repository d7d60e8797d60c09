using System.Text.Json;
using Seer.Core.Errors;
using Seer.Evaluation;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "evaluation": {"ground_truth", "results", "protocol" (coco|voc07|voc12, default coco)} scores a COCO results
/// file against COCO ground truth. Resumable: it only reads files.
/// </summary>
public sealed class EvaluationJobHandler : IJobHandler
{
    private readonly PathPolicy _paths;

    public EvaluationJobHandler(PathPolicy paths) => _paths = paths;

    public string Kind => "evaluation";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        _paths.CheckReadable(JobParameters.RequiredString(parameters, "ground_truth", Kind));
        _paths.CheckReadable(JobParameters.RequiredString(parameters, "results", Kind));
        Protocol(parameters);
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
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
