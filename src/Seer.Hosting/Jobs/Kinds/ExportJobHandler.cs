using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Formats;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "export" (<see cref="ExportParameters"/>: "dataset" NAME[@VERSION], "format", "output") writes the version in the format into a new
/// folder (the exporters build it under a temporary name and rename it at the end). Resumable: an interrupted
/// export left no output, so it runs again.
/// </summary>
public sealed class ExportJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly PathPolicy _paths;

    public ExportJobHandler(Workspace workspace, PathPolicy paths)
    {
        _workspace = workspace;
        _paths = paths;
    }

    public string Kind => "export";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var p = JobParameters.Parse<ExportParameters>(parameters, Kind);
        _workspace.Resolve(JobParameters.Named(Kind, "dataset", () => DatasetRef.Parse(p.Dataset)));
        JobParameters.Named(Kind, "format", () => FormatRegistry.GetExporter(p.Format));
        _paths.CheckWritable(p.Output);
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = JobParameters.Parse<ExportParameters>(context.Parameters, Kind);
        var reference = DatasetRef.Parse(p.Dataset);
        string format = p.Format;
        string output = _paths.CheckWritable(p.Output);
        return Task.Run<object?>(() =>
        {
            var snapshot = _workspace.OpenSnapshot(reference);
            context.Log($"exporting {snapshot} ({snapshot.Images.Count} images) as {format} to {output}");
            var report = FormatRegistry.GetExporter(format).Write(snapshot, output, context);
            foreach (var lost in report.Lost.Take(50)) context.Warn($"not representable in {format}: {lost.File}: {lost.Reason}");
            return new { Dataset = snapshot.Name, snapshot.Version, Format = format, Output = output, report.Images, report.Objects, Lost = report.Lost.Count };
        }, cancellationToken);
    }
}
