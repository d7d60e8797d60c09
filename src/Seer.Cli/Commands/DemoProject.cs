using System.Globalization;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Import;
using Seer.Formats.Idx;
using Seer.Mining;
using Seer.Training.Options;
using Seer.Cli.Commands.Dataset;

namespace Seer.Cli.Commands;

/// <summary>
/// The sample project of <c>seer demo</c>: 2,000 real Fashion-MNIST test images (scripts/fetch-data.sh fashion-mnist)
/// imported as <c>demo-fashion</c> (labelled: the oracle), cut into a 200-image training set, a 300-image validation set
/// and a 1,500-image unlabelled pool, and taken through round 0 (the initial model) and one active-learning round
/// (entropy, 200 picks labelled by the oracle) with a small CNN at 32 px. Made only when the workspace has no project;
/// an interrupted earlier demo run resumes at its first unfinished step.
/// </summary>
internal static class DemoProject
{
    public const string Name = "demo-fashion";
    private const int Train = 200, Val = 300, Total = 2000, TopK = 200;

    public static async Task EnsureAsync(string root, string home, string owner, CancellationToken ct)
    {
        using (var workspace = Workspace.Open(home))
        using (var store = new ProjectStore(workspace))
        {
            var projects = store.List();
            if (projects.Count > 0 && projects.All(p => p.Name != Name)) return;
            if (projects.Any(p => p.Name == Name) && store.Iterations(store.Get(Name).Id).Count(r => r.State == IterationRecord.Done) >= 2) return;
        }
        Console.Error.WriteLine($"seer demo: making the sample project '{Name}' (Fashion-MNIST, one active-learning round; one to two minutes on 2 cores) ...");
        string fashion = Path.Combine(root, ".data", "fashion-mnist");
        if (!Directory.Exists(fashion)) await DemoCommand.FetchAsync(root, "fashion-mnist", json: false, ct).ConfigureAwait(false);
        string cut = IdxSample.Write(fashion, "t10k", 0, Total, Path.Combine(home, "demo-data", "fashion-mnist-2000"), "fashion",
            IdxSample.FashionMnistClasses);
        var request = new ImportRequest(Name) { Format = "idx", Source = "fashion-mnist t10k images 1-2000" };
        await DatasetTransferCommands.RunImportAsync(home, cut, request, null, showProgress: false, ct).ConfigureAwait(false);

        using var ws = Workspace.Open(home);
        using var projectStore = new ProjectStore(ws);
        var all = ws.OpenSnapshot(new DatasetRef(Name, null));
        var images = all.Images.OrderBy(i => i.FileName, StringComparer.Ordinal).ToList();
        var cutParameters = new Dictionary<string, object?> { ["from"] = all.ToString() };
        ws.CommitVersion(Name + "-train", images.Take(Train).ToList(), [all.Version], "demo-cut", cutParameters, all.Classes);
        ws.CommitVersion(Name + "-val", images.Skip(Total - Val).ToList(), [all.Version], "demo-cut", cutParameters, all.Classes);
        ws.CommitVersion(Name + "-pool", images.Skip(Train).Take(Total - Train - Val).Select(i => i with { IsLabelled = false, Tags = [] }).ToList(),
            [all.Version], "demo-cut", cutParameters, all.Classes);
        var project = projectStore.List().FirstOrDefault(p => p.Name == Name)
            ?? ProjectSetup.Create(ws, projectStore, Name, "classify", Name + "-train", Name + "-val", Name + "-pool", null, owner);
        var settings = new IterationSettings
        {
            Strategy = MiningStrategy.Entropy,
            TopK = TopK,
            Oracle = Name,
            Training = new TrainingOptions
            {
                Task = "classify", Epochs = 6, ImageSize = 32, BatchSize = 32, Seed = 1,
                Threads = Math.Max(1, Math.Min(4, Environment.ProcessorCount)),
            },
        };
        var outcome = await new IterationRunner(ws, projectStore).RunAsync(project, 1, settings, new Lines(), ct).ConfigureAwait(false);
        foreach (var r in outcome.History)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seer demo: {Name} round {r.Round}: {r.Labelled} labelled images, top1 {ProjectJson.PrimaryValue(project, r):0.0000}"));
    }

    /// <summary>One stderr line per step event and training epoch, as `seer iterate` prints them.</summary>
    private sealed class Lines : IProgress<IterationEvent>
    {
        public void Report(IterationEvent value) => Console.Error.WriteLine($"seer demo: {Name} {value}");
    }
}
