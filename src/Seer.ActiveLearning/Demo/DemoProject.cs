using System.Globalization;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Data.Synthesis;
using Seer.Formats;
using Seer.Formats.Idx;
using Seer.Imaging.Synthesis;
using Seer.Mining;
using Seer.Training.Options;

namespace Seer.ActiveLearning.Demo;

/// <summary>How big the demo is: the default takes one to two minutes on 2 cores; <see cref="Quick"/> is for a quick look and tests.</summary>
public sealed record DemoSettings
{
    /// <summary>Fashion-MNIST test images imported; cut into training, validation and the pool.</summary>
    public int Images { get; init; } = 2000;
    public int Train { get; init; } = 200;
    public int Val { get; init; } = 300;

    /// <summary>Images mined (and labelled by the oracle) in round 1.</summary>
    public int TopK { get; init; } = 200;
    public int Epochs { get; init; } = 6;

    /// <summary>Synthetic detection images (Fashion-MNIST items pasted on the labelme photos) for training and for validation.</summary>
    public int DetectorTrain { get; init; } = 240;
    public int DetectorVal { get; init; } = 60;
    public int DetectorEpochs { get; init; } = 12;

    public static DemoSettings Quick { get; } = new()
    {
        Images = 500, Train = 100, Val = 100, TopK = 50, Epochs = 1, DetectorTrain = 24, DetectorVal = 8, DetectorEpochs = 1,
    };
}

/// <summary>
/// The sample data of <c>seer demo</c>, the same code for the CLI and any host:
/// <list type="bullet">
/// <item>the active-learning project <c>demo-fashion</c>: real Fashion-MNIST test images imported as <c>demo-fashion</c>
/// (labelled: the oracle), cut into a training set, a validation set and an unlabelled pool, and taken through round 0
/// (the initial model) and one round (entropy picks labelled by the oracle) with a small CNN at 32 px;</item>
/// <item>the showcase detector's data: <c>demo-synth-train</c> and <c>demo-synth-val</c>, two disjoint synthetic
/// detection sets (different seeds) of three Fashion-MNIST classes pasted onto crops of the real labelme photos, so the
/// detector trains and validates on different images with enough boxes to learn from.</item>
/// </list>
/// Made only when missing; an interrupted earlier run resumes at its first unfinished step.
/// </summary>
public static class DemoProject
{
    public const string Name = "demo-fashion";
    public const string DetectionTrain = "demo-synth-train";
    public const string DetectionVal = "demo-synth-val";
    public const string ServedDetector = "demo-detector";

    /// <summary>Classes of the detection sets: three shapes that differ at a glance.</summary>
    public static readonly IReadOnlyList<string> DetectionClasses = ["Trouser", "Sneaker", "Bag"];

    /// <summary>True when the project has both rounds done, or the workspace has other projects (a workspace in use is left alone).</summary>
    public static bool IsDone(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        using var store = new ProjectStore(workspace);
        var projects = store.List();
        if (projects.Count > 0 && projects.All(p => p.Name != Name)) return true;
        return projects.Any(p => p.Name == Name) && store.Iterations(store.Get(Name).Id).Count(r => r.State == IterationRecord.Done) >= 2;
    }

    /// <summary>
    /// Imports the sample from <paramref name="fashionFolder"/> (the IDX files of scripts/fetch-data.sh fashion-mnist),
    /// makes the project (owned by <paramref name="owner"/>) and runs it to round 1; one line per step on <paramref name="log"/>.
    /// </summary>
    public static async Task<IterationOutcome?> EnsureAsync(Workspace workspace, string fashionFolder, string? owner, DemoSettings settings,
        IProgress<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(settings);
        if (IsDone(workspace)) return null;
        int total = settings.Images;
        string cut = IdxSample.Write(fashionFolder, "t10k", 0, total, Path.Combine(workspace.Home, "demo-data", $"fashion-mnist-{total}"), "fashion",
            IdxSample.FashionMnistClasses);
        using (var source = FileSources.Open(cut))
        {
            var read = FormatRegistry.GetImporter("idx").Read(source, new ImportOptions());
            await new ImportPipeline(workspace).RunAsync(read, new ImportRequest(Name) { Format = "idx", Source = $"fashion-mnist t10k images 1-{total}" },
                null, cancellationToken).ConfigureAwait(false);
        }
        using var store = new ProjectStore(workspace);
        var all = workspace.OpenSnapshot(new DatasetRef(Name, null));
        var images = all.Images.OrderBy(i => i.FileName, StringComparer.Ordinal).ToList();
        var cutParameters = new Dictionary<string, object?> { ["from"] = all.ToString() };
        workspace.CommitVersion(Name + "-train", images.Take(settings.Train).ToList(), [all.Version], "demo-cut", cutParameters, all.Classes);
        workspace.CommitVersion(Name + "-val", images.Skip(total - settings.Val).ToList(), [all.Version], "demo-cut", cutParameters, all.Classes);
        workspace.CommitVersion(Name + "-pool", images.Skip(settings.Train).Take(total - settings.Train - settings.Val)
            .Select(i => i with { IsLabelled = false, Tags = [] }).ToList(), [all.Version], "demo-cut", cutParameters, all.Classes);
        var project = store.List().FirstOrDefault(p => p.Name == Name)
            ?? ProjectSetup.Create(workspace, store, Name, "classify", Name + "-train", Name + "-val", Name + "-pool", null, owner);
        var iteration = new IterationSettings
        {
            Strategy = MiningStrategy.Entropy,
            TopK = settings.TopK,
            Oracle = Name,
            Training = new TrainingOptions
            {
                Task = "classify", Epochs = settings.Epochs, ImageSize = 32, BatchSize = 32, Seed = 1,
                Threads = Math.Max(1, Math.Min(4, Environment.ProcessorCount)),
            },
        };
        var outcome = await new IterationRunner(workspace, store).RunAsync(project, 1, iteration, new Lines(log), cancellationToken).ConfigureAwait(false);
        foreach (var r in outcome.History)
            log?.Report(string.Create(CultureInfo.InvariantCulture,
                $"{Name} round {r.Round}: {r.Labelled} labelled images, top1 {ProjectJson.PrimaryValue(project, r):0.0000}"));
        return outcome;
    }

    /// <summary>
    /// Synthesises the detector's training and validation sets (different seeds, so no image is in both) from the
    /// project's items over the photos in <paramref name="backgroundsFolder"/>; kept when they exist.
    /// </summary>
    public static async Task EnsureDetectionSetsAsync(Workspace workspace, string backgroundsFolder, DemoSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (dataset, count, seed) in new[] { (DetectionTrain, settings.DetectorTrain, 1), (DetectionVal, settings.DetectorVal, 2) })
        {
            if (workspace.Metadata.FindHead(dataset) is not null) continue;
            var request = new SynthesisRequest(dataset, backgroundsFolder, new DatasetRef(Name, null))
            {
                Classes = DetectionClasses,
                Count = count,
                Composite = new CompositeOptions { Width = 128, Height = 128, MinSize = 28, MaxSize = 56, MinObjects = 1, MaxObjects = 3, Seed = seed, Encoding = ".jpg" },
                Parallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)),
            };
            await new DatasetSynthesis(workspace).RunAsync(request, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The parameters of the showcase detector's training job (kind "training").</summary>
    public static object DetectorJobParameters(DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new
        {
            train = DetectionTrain, val = DetectionVal, task = "detect", epochs = settings.DetectorEpochs, image_size = 128, batch_size = 8,
            serve_as = ServedDetector,
        };
    }

    private sealed class Lines(IProgress<string>? log) : IProgress<IterationEvent>
    {
        public void Report(IterationEvent value) => log?.Report($"{Name} {value}");
    }
}
