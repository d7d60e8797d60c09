using System.Text.Json;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Formats;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "import" (<see cref="ImportParameters"/>: "dataset", "format", "path") reads a folder or .zip with the format's importer and commits a
/// version. Resumable: blobs are content-addressed and identical content commits no second version, so running it
/// again after an interruption finishes the work.
/// </summary>
public sealed class ImportJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly PathPolicy _paths;

    public ImportJobHandler(Workspace workspace, PathPolicy paths)
    {
        _workspace = workspace;
        _paths = paths;
    }

    public string Kind => "import";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var p = JobParameters.Parse<ImportParameters>(parameters, Kind);
        JobParameters.Named(Kind, "dataset", () => { Workspace.ValidateDatasetName(p.Dataset); return 0; });
        JobParameters.Named(Kind, "format", () => FormatRegistry.GetImporter(p.Format));
        _paths.CheckReadable(p.Path);
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = JobParameters.Parse<ImportParameters>(context.Parameters, Kind);
        string dataset = p.Dataset, format = p.Format;
        string path = _paths.CheckReadable(p.Path);
        context.Log($"reading {path} as {format}");
        // An archive uploaded through the API is deleted once its job has run (succeeded or failed); when the job is
        // cancelled or the server stops mid-job it is kept, so a resumed or retried job finds it.
        bool upload = string.Equals(Path.GetDirectoryName(path), _paths.Uploads, StringComparison.Ordinal);
        try
        {
            return await RunAsync(context, dataset, format, path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (upload && !cancellationToken.IsCancellationRequested) TryDelete(path);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<object?> RunAsync(JobContext context, string dataset, string format, string path, CancellationToken cancellationToken)
    {
        using var source = FileSources.Open(path, cancellationToken);
        var read = await FileSources.ReadAsync(FormatRegistry.GetImporter(format), source, new ImportOptions(), cancellationToken).ConfigureAwait(false);
        foreach (var issue in read.Warnings.Take(50)) context.Warn($"{issue.File}: {issue.Reason}");
        var result = await new ImportPipeline(_workspace).RunAsync(read,
            new ImportRequest(dataset) { Format = format, Source = path, Parallelism = context.CpuThreads }, context, cancellationToken).ConfigureAwait(false);
        foreach (var issue in result.Rejected.Take(50)) context.Warn($"rejected {issue.File}: {issue.Reason}");
        foreach (var issue in result.Warnings.Skip(read.Warnings.Count).Where(w => w.Reason.Contains("workspace alias", StringComparison.Ordinal)).Take(50))
            context.Warn(issue.Reason);
        context.Log($"{dataset}@{result.Version}: {result.Images} images, {result.Objects} objects, {result.Rejected.Count} rejected");
        return new
        {
            result.Dataset, result.Version, result.Created, result.Images, result.Labelled, result.Objects,
            Rejected = result.Rejected.Count, Warnings = result.Warnings.Count, result.NewLabels, result.Classes,
        };
    }
}
