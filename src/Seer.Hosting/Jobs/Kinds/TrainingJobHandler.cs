using System.Text.Json;
using Seer.Core.Progress;
using Seer.Data;
using Seer.Hosting.Models;
using Seer.Hosting.Training;
using Seer.Training.Engine;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "training" (parameters: <see cref="TrainingJobParameters"/>): trains a model into the workspace's registry
/// with Seer.Training, logging every epoch; then scores it on the validation set (metrics + PR curves, kept beside
/// the model), exports it to ONNX and serves it under its id (or "serve_as"). The model id is the job's checkpoint:
/// after a restart the job resumes that model from its last epoch checkpoint (last.ckpt) instead of starting over.
/// </summary>
public sealed class TrainingJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly ModelCatalog _catalog;
    private readonly IEnumerable<ITrainingEpochListener> _listeners;
    private readonly IModelFiles _modelFiles;
    private readonly TimeSpan _publishInterval;
    private readonly Access.ResourceAccess _resources;

    public TrainingJobHandler(Workspace workspace, ModelCatalog catalog, IEnumerable<ITrainingEpochListener> listeners, IModelFiles modelFiles,
        Microsoft.Extensions.Options.IOptions<HostingOptions> options, Access.ResourceAccess resources)
    {
        _resources = resources;
        _publishInterval = options.Value.CheckpointPublishInterval;
        _workspace = workspace;
        _catalog = catalog;
        _listeners = listeners;
        _modelFiles = modelFiles;
    }

    public string Kind => "training";

    public bool Resumable => true;

    public int DefaultCpuThreads => Math.Max(1, Math.Min(4, Environment.ProcessorCount));

    public void Validate(JsonElement parameters)
    {
        var p = TrainingJobParameters.Parse(parameters, 1);
        // The data must fit the task: refused here (400 at POST /api/jobs) rather than after minutes of training.
        Seer.Training.Engine.TrainingDataCheck.Check(p.Options.Task, _workspace.OpenSnapshot(p.Train), "training");
        Seer.Training.Engine.TrainingDataCheck.Check(p.Options.Task, _workspace.OpenSnapshot(p.Val), "validation");
        if (p.ServeAs is { } name && _catalog.List().Any(m => m.Name == name))
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.Conflict, $"training job: a model named '{name}' is already served; pick another serve_as", "serve_as");
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken) =>
        Task.Run<object?>(() => Run(context, cancellationToken), cancellationToken);

    private object Run(JobContext context, CancellationToken cancellationToken)
    {
        var p = TrainingJobParameters.Parse(context.Parameters, context.CpuThreads);
        if (context.Gpus.Count > 0) p = p with { Options = p.Options with { Device = $"cuda:{context.Gpus[0]}" } };
        var train = _workspace.OpenSnapshot(p.Train);
        var val = _workspace.OpenSnapshot(p.Val);
        var files = new FileModelRegistry(_workspace.Home);
        string? model = null;
        var registry = new CheckpointingRegistry(files, id =>
        {
            model = id;
            // The model is its owner's from the moment it exists, not only once the job ends: a member must not see
            // another member's model while it trains (claiming again at the end changes nothing).
            _resources.Claim(Access.ResourceKinds.Model, id, context.Job.CreatedBy);
            context.SaveCheckpoint(id);
            context.Log($"model {id} reserved; its checkpoints are under models/{id}/checkpoints");
        });
        string? resume = null;
        // Resumed on another worker (or this machine lost the folder): the last published checkpoint comes from the shared store.
        // A folder this machine only mirrored (ModelMirror: the server's pages or an evaluation copied it) is refreshed
        // and becomes this worker's own.
        if (context.Checkpoint is { } lost && (!File.Exists(Path.Combine(files.Folder(lost), "model.json")) || ModelMirror.IsMirror(files.Folder(lost)))
            && _modelFiles.Fetch(lost, files.Folder(lost)))
        {
            ModelMirror.Adopt(files.Folder(lost));
            context.Log($"model {lost}: fetched its published files (last checkpoint) from the blob store");
        }
        if (context.Checkpoint is { } saved && File.Exists(Path.Combine(files.Folder(saved), "model.json")))
        {
            resume = model = saved;
            var done = TrainingCurves.Read(files.Folder(saved)).Values.Select(c => c.Count).DefaultIfEmpty(0).Min();
            context.Log($"resumed on {context.Job.Worker ?? "this worker"} from checkpoint epoch {done}");
            context.Log($"resuming model {saved} from its checkpoint: {done} of {p.Options.Epochs} epoch(s) already done");
        }
        context.Log($"training {p.Options.Task} ({p.Options.Architecture}, {p.Options.ImageSize} px, {p.Options.Epochs} epochs, batch {p.Options.BatchSize}) on {p.Options.Device} " +
                    $"on {train} ({train.Images.Count} images), validating on {val}");

        System.Diagnostics.Stopwatch? published = null;   // since the last publish of an epoch checkpoint; null: none yet
        int logged = model is null ? 0 : TrainingCurves.Read(files.Folder(model)).Values.Select(c => c.Count).DefaultIfEmpty(0).Max();
        var progress = new Relay(report =>
        {
            context.Report(report);
            if (model is null || report.Total is not long total || report.Done < total) return;
            var curves = TrainingCurves.Read(files.Folder(model)).Values.FirstOrDefault();
            if (curves is null || logged >= curves.Count) return;
            for (; logged < curves.Count; logged++)
            {
                var e = curves[logged];
                string val = e.ValMetric is double m
                    ? FormattableString.Invariant($", val {TaskRegistry.Get(p.Options.Task).PrimaryMetric} {m:0.0000}") : "";
                context.Log(FormattableString.Invariant($"epoch {e.Epoch}/{p.Options.Epochs}: loss {e.Loss:0.0000}, lr {e.LearningRate:0.######}{val}, {e.Seconds:0.0} s"));
                foreach (var listener in _listeners) listener.EpochCompleted(context.Job, model, e, cancellationToken);
            }
            // The epoch's checkpoint is on disk: publish it, so another worker can resume from here (only while the job
            // is still this attempt: a requeued job's files are the new attempt's to publish). At most once per
            // interval: on short epochs, hashing and uploading every checkpoint costs the workers a share of their CPU.
            if (published is not null && published.Elapsed < _publishInterval) return;
            if (context.StillOwned)
            {
                _modelFiles.Publish(model, files.Folder(model));
                published = System.Diagnostics.Stopwatch.StartNew();
            }
        });
        var request = new TrainingJobRequest(train, val, [new ParameterSet(p.Options, $"job {context.Job.Id}")]) { ResumeModel = resume };
        ModelRecord record;
        try
        {
            record = new TrainingJob(registry).Run(request, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (model is not null && context.CancelRequested)
        {
            // Cancelled by a user (not a shutdown, which resumes): the model says so instead of "training" forever.
            files.Save(files.Get(model) with { Status = "cancelled" });
            context.Log($"model {model} marked cancelled");
            throw;
        }
        if (record.Status != "ready" && context.CancelRequested)
        {
            files.Save(record with { Status = "cancelled" });
            context.Log($"model {record.Id} marked cancelled");
            throw new OperationCanceledException(cancellationToken);
        }
        if (record.Status != "ready")
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.Conflict, $"model {record.Id} stopped before its last epoch (status {record.Status})", record.Id);
        context.Log($"model {record.Id}: {record.PrimaryMetric} {record.PrimaryValue:0.0000} at epoch {record.BestEpoch} ({record.TrainingSeconds:0.0} s)");

        context.Report(new WorkProgress("evaluate", 0, val.Images.Count));
        var report = ModelEvaluations.Run(files, record.Id, val, context.CpuThreads, context, cancellationToken);
        context.Log($"evaluated on {report.Dataset}: {report.PrCurves.Count} PR curve(s)");

        string onnx = RegistryOnnxExport.ExportCached(files, record.Id);
        string served = p.ServeAs ?? record.Id;
        if (!context.StillOwned)
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.Conflict,
                $"job {context.Job.Id} was requeued while attempt {context.Job.Attempt} ran; this attempt does not publish model {record.Id}", record.Id);
        if (_catalog.List().FirstOrDefault(m => m.Name == served) is not { } existing || existing.OnnxPath != Path.GetFullPath(onnx))
            _catalog.Register(served, onnx, null, context.Job.CreatedBy);
        context.Log($"exported {onnx}; served as '{served}' (image API: POST /api/models/{served}/analyze)");
        _modelFiles.Publish(record.Id, files.Folder(record.Id));
        return new
        {
            Model = record.Id, record.Status, record.Task, record.Architecture, record.Classes, record.PrimaryMetric, record.PrimaryValue,
            record.Metrics, record.BestEpoch, record.Curves, record.TrainingSeconds, ServedAs = served, Onnx = onnx,
            TrainDataset = record.TrainDataset, ValDataset = record.ValDataset,
        };
    }

    private sealed class Relay(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
