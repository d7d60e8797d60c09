using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Synthesis;
using Seer.Imaging.Synthesis;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "synth" (<see cref="SynthParameters"/>): `seer dataset synth` as a job — items of a classification version
/// pasted onto real photos from a server folder (the path policy's readable folders), written as a detection version
/// of "dataset". Every option is checked at submission. Resumable: the same request writes the same version.
/// </summary>
public sealed class SynthJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly PathPolicy _paths;

    public SynthJobHandler(Workspace workspace, PathPolicy paths)
    {
        _workspace = workspace;
        _paths = paths;
    }

    public string Kind => "synth";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var request = Request(parameters, 1);
        _workspace.Resolve(request.Items);
        DatasetSynthesis.Validate(request);
    }

    private SynthesisRequest Request(JsonElement parameters, int threads)
    {
        var p = JobParameters.Parse<SynthParameters>(parameters, Kind);
        JobParameters.Named(Kind, "dataset", () => { Workspace.ValidateDatasetName(p.Dataset); return 0; });
        string backgrounds = _paths.CheckReadable(p.Backgrounds);
        var items = JobParameters.Named(Kind, "items", () => DatasetRef.Parse(p.Items));
        string encoding = "." + (p.Encoding ?? "jpg").TrimStart('.').ToLowerInvariant();
        return new SynthesisRequest(p.Dataset, backgrounds, items)
        {
            Classes = p.Classes is { Count: > 0 } ? p.Classes : null,
            Count = p.Count ?? 1000,
            Parallelism = threads,
            Composite = new CompositeOptions
            {
                Width = p.Width ?? 256,
                Height = p.Height ?? 256,
                MinSize = p.MinSize ?? 24,
                MaxSize = p.MaxSize ?? 96,
                MinObjects = p.MinObjects ?? 1,
                MaxObjects = p.MaxObjects ?? 4,
                MaxOverlap = p.MaxOverlap ?? 0.1,
                Encoding = encoding,
                Seed = p.Seed ?? 1,
            },
        };
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var request = Request(context.Parameters, Math.Max(1, context.CpuThreads));
        context.Log($"synthesising {request.Count} images of {request.Composite.Width}x{request.Composite.Height} from {request.Items} onto photos in {request.BackgroundsFolder}");
        var commit = await new DatasetSynthesis(_workspace).RunAsync(request, context, cancellationToken).ConfigureAwait(false);
        var snapshot = _workspace.OpenSnapshot(new DatasetRef(commit.Version.Dataset, commit.Version.Version));
        int objects = snapshot.Images.Sum(i => i.Objects.Count);
        context.Log($"{commit.Version.Dataset}@{commit.Version.Version[..10]}: {snapshot.Images.Count} images, {objects} objects");
        return new
        {
            commit.Version.Dataset, commit.Version.Version, commit.Created, Images = snapshot.Images.Count, Objects = objects,
            Classes = snapshot.Classes,
        };
    }
}

/// <summary>kind "synth": the CLI's `seer dataset synth` options (snake_case keys).</summary>
public sealed record SynthParameters
{
    /// <summary>The dataset to write.</summary>
    public required string Dataset { get; init; }

    /// <summary>A folder of real photos on the server.</summary>
    public required string Backgrounds { get; init; }

    /// <summary>The classification version whose images are pasted (NAME[@VERSION]).</summary>
    public required string Items { get; init; }

    public IReadOnlyList<string>? Classes { get; init; }
    public int? Count { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? MinSize { get; init; }
    public int? MaxSize { get; init; }
    public int? MinObjects { get; init; }
    public int? MaxObjects { get; init; }
    public double? MaxOverlap { get; init; }
    public string? Encoding { get; init; }
    public int? Seed { get; init; }
}
