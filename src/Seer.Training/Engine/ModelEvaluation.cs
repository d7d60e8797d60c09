using Seer.Core.Datasets;
using Seer.Core.Progress;
using Seer.Training.Registry;
using TorchSharp;

namespace Seer.Training.Engine;

/// <summary>
/// Evaluates a registry model on a dataset version with its task's evaluator (the same code as validation during
/// training): loads the record and weights, rebuilds the network and returns the task's metric keys.
/// </summary>
public static class ModelEvaluation
{
    public static Dictionary<string, object> Evaluate(IModelRegistry registry, string model, DatasetSnapshot data,
        string? device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelRecord record = registry.Get(model);
        if (record.External is not null)
            throw new Seer.Core.Errors.SeerException(Seer.Core.Errors.ErrorCodes.InvalidInput,
                $"model {record.Id} is external ({record.External.Source}); it is evaluated through its ONNX file (Seer.Inference's OnnxEvaluation), not rebuilt with TorchSharp");
        var options = record.Parameters with { Device = device ?? record.Parameters.Device };
        TrainerBase trainer = TaskRegistry.Get(record.Task).CreateTrainer(options, record.Classes);
        torch.Device target = TorchSetup.Prepare(trainer.Options);
        using var network = trainer.CreateModel();
        Checkpoint.LoadWeights(registry.WeightsPath(record), network);
        network.to(target);
        var metrics = trainer.Evaluate(network, data, target, progress, cancellationToken);
        metrics["model"] = record.Id;
        metrics["dataset"] = data.ToString();
        return metrics;
    }
}
