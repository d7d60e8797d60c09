using System.Text.Json;
using System.Xml.Linq;

namespace Seer.Cli.Tests.ActiveLearning;

/// <summary>
/// <c>seer iterate</c> end to end with real training (tiny network, two batches per epoch): one round with an oracle,
/// the labelling-tool hand-off and its continuation, and a process killed mid-round that resumes.
/// </summary>
public sealed class IterateCliTests : IDisposable
{
    private readonly LoopWorkspace _w = new();

    private async Task CreateProjectAsync(string name)
    {
        await _w.ImportShapesAsync();
        var created = await _w.RunAsync("project", "create", name, "--task", "classify", "--train", "train", "--val", "val", "--pool", "pool", "--json");
        Assert.True(created.Code == 0, created.Stderr);
    }

    private string[] Iterate(string name, params string[] extra) => IterateFor("1", name, extra);

    private string[] IterateFor(string epochs, string name, params string[] extra) =>
        ["iterate", name, "--rounds", "1", "--strategy", "entropy", "--topk", "9", "--epochs", epochs, "--size", "32", "--batch", "8",
         "--params", _w.TinyParams(), .. extra, "--json"];

    [Fact]
    public async Task Iterate_WithOracle_OneRound_MergesTheLabelsAndReportsTheMetricsPerRound()
    {
        await CreateProjectAsync("shapes");
        var run = await _w.RunAsync(Iterate("shapes", "--oracle", "oracle"));
        Assert.True(run.Code == 0, run.Stderr);
        var json = LoopWorkspace.Json(run.Stdout);
        Assert.Equal("done", json.GetProperty("status").GetString());
        var history = json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(new[] { 0, 1 }, history.Select(h => h.GetProperty("round").GetInt32()));
        Assert.Equal(24, history[0].GetProperty("labelled").GetInt32());
        Assert.Equal(24 + 9, history[1].GetProperty("labelled").GetInt32());
        foreach (var h in history)
        {
            Assert.Equal("done", h.GetProperty("state").GetString());
            double top1 = h.GetProperty("metrics").GetProperty("top1").GetDouble();
            Assert.Equal(18, h.GetProperty("metrics").GetProperty("samples").GetInt32());
            // a count of correct images out of 18
            Assert.Equal(Math.Round(top1 * 18), top1 * 18, 3);
            Assert.StartsWith("m-", h.GetProperty("model").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(new string?[] { "prepare", "train", "evaluate" }, Steps(history[0]));
        Assert.Equal(new string?[] { "prepare", "mine", "label", "merge", "train", "evaluate" }, Steps(history[1]));
        Assert.Equal("entropy", history[1].GetProperty("strategy").GetString());
        Assert.Equal(9, history[1].GetProperty("mined").GetInt32());
        // Round 1 fine-tunes round 0's model; the oracle labelled every pick by content hash.
        var train = Step(history[1], "train");
        Assert.Equal(history[0].GetProperty("model").GetString(), train.GetProperty("parent").GetString());
        var label = Step(history[1], "label");
        Assert.Equal(9, label.GetProperty("labelled").GetInt32());
        Assert.Equal(0, label.GetProperty("missing").GetInt32());

        // Asking again for round 1 runs nothing; history prints the same rounds.
        var again = await _w.RunAsync(Iterate("shapes", "--oracle", "oracle"));
        Assert.True(again.Code == 0, again.Stderr);
        Assert.DoesNotContain("started", again.Stderr, StringComparison.Ordinal);
        var shown = await _w.RunAsync("project", "history", "shapes", "--json");
        Assert.True(shown.Code == 0, shown.Stderr);
        Assert.Equal(2, LoopWorkspace.Json(shown.Stdout).GetProperty("history").GetArrayLength());
        var table = await _w.RunAsync("project", "history", "shapes");
        Assert.Contains("top1", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iterate_Combined_SpreadsOverTheModelsFeaturesWithTheTrainingSetAsCentres()
    {
        await CreateProjectAsync("spread");
        var run = await _w.RunAsync("iterate", "spread", "--rounds", "1", "--strategy", "combined", "--topk", "9", "--epochs", "1",
            "--size", "32", "--batch", "8", "--params", _w.TinyParams(), "--oracle", "oracle", "--json");
        Assert.True(run.Code == 0, run.Stderr);
        var history = LoopWorkspace.Json(run.Stdout).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(24 + 9, history[1].GetProperty("labelled").GetInt32());
        var mine = Step(history[1], "mine");
        Assert.Equal("combined", mine.GetProperty("strategy").GetString());
        Assert.Equal(9, mine.GetProperty("picked").GetInt32());
        // k-center started from the 24 training images' own feature vectors (core-set), read from the model's export
        Assert.Equal(24, mine.GetProperty("centres").GetInt32());
    }

    [Fact]
    public async Task Iterate_WithoutOracle_WritesACvatTask_AndContinuesOnceTheLabelsAreImported()
    {
        await CreateProjectAsync("manual");
        var first = await _w.RunAsync(Iterate("manual"));
        Assert.True(first.Code == 0, first.Stderr);
        var json = LoopWorkspace.Json(first.Stdout);
        Assert.Equal("waiting_for_labels", json.GetProperty("status").GetString());
        var waiting = json.GetProperty("waiting");
        string dir = waiting.GetProperty("task_dir").GetString()!;
        Assert.Equal("manual-labels-r1", waiting.GetProperty("import_into").GetString());
        Assert.Contains("seer label import", waiting.GetProperty("instructions").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "annotations.xml")));
        Assert.Equal(9, Directory.GetFiles(Path.Combine(dir, "images")).Length);
        var history = json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal("waiting", history[1].GetProperty("state").GetString());

        // A labeller tags every image in the task (as CVAT would export it), the labels are imported, the loop goes on.
        string labelled = Path.Combine(_w.Home, "labelled-task");
        CopyDirectory(dir, labelled);
        var xml = XDocument.Load(Path.Combine(labelled, "annotations.xml"));
        foreach (var image in xml.Root!.Elements("image"))
        {
            int index = int.Parse(image.Attribute("name")!.Value[3..8], System.Globalization.CultureInfo.InvariantCulture) - 2000;
            image.Add(new XElement("tag", new XAttribute("label", LoopWorkspace.Classes[index % 3]), new XAttribute("source", "manual")));
        }
        xml.Save(Path.Combine(labelled, "annotations.xml"));
        var import = await _w.RunAsync("label", "import", labelled, "--tool", "cvat", "--name", "manual-labels-r1", "--json");
        Assert.True(import.Code == 0, import.Stderr);

        var second = await _w.RunAsync(Iterate("manual"));
        Assert.True(second.Code == 0, second.Stderr);
        var done = LoopWorkspace.Json(second.Stdout);
        Assert.Equal("done", done.GetProperty("status").GetString());
        var round1 = done.GetProperty("history")[1];
        Assert.Equal(24 + 9, round1.GetProperty("labelled").GetInt32());
        Assert.Equal("cvat", Step(round1, "label").GetProperty("source").GetString());
        Assert.Equal(2, round1.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("step").GetString() == "label").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Iterate_KilledDuringTraining_ResumesAtTheFirstUnfinishedStep()
    {
        await CreateProjectAsync("killed");
        // 1,000 epochs (seconds of training): an epoch of two tiny batches takes milliseconds, and 30 of them ended
        // between the line below and the kill on a quiet CI machine while other test classes ran beside this one
        string[] args = IterateFor("1000", "killed", "--oracle", "oracle");
        using (var child = _w.Start(args))
        {
            var stdout = child.StandardOutput.ReadToEndAsync();
            // Step lines go to stderr as they happen; kill as soon as round 1's training starts.
            string? line;
            do line = await child.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(3));
            while (line is not null && line != "round 1 train started");
            Assert.Equal("round 1 train started", line);
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await stdout;
        }

        var mid = await _w.RunAsync("project", "history", "killed", "--json");
        Assert.True(mid.Code == 0, mid.Stderr);
        var round1 = LoopWorkspace.Json(mid.Stdout).GetProperty("history")[1];
        Assert.Equal("running", round1.GetProperty("state").GetString());
        Assert.Equal(new string?[] { "prepare", "mine", "label", "merge", "train" }, Steps(round1));
        Assert.Equal("running", round1.GetProperty("steps")[4].GetProperty("state").GetString());
        string mined = Step(round1, "mine").GetProperty("version").GetString()!;
        string merged = Step(round1, "merge").GetProperty("version").GetString()!;

        var resumed = await _w.RunAsync(args);
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.DoesNotContain("round 1 mine started", resumed.Stderr, StringComparison.Ordinal);
        Assert.Contains("round 1 train started", resumed.Stderr, StringComparison.Ordinal);
        var history = LoopWorkspace.Json(resumed.Stdout).GetProperty("history");
        var after = history[1];
        Assert.Equal("done", after.GetProperty("state").GetString());
        Assert.Equal(24 + 9, after.GetProperty("labelled").GetInt32());
        Assert.Equal(merged, after.GetProperty("train_version").GetString());
        Assert.Equal(mined, Step(after, "mine").GetProperty("version").GetString());
        var attempts = after.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step").GetString()!, s => s.GetProperty("attempts").GetInt32());
        Assert.Equal(1, attempts["mine"]);
        Assert.Equal(1, attempts["merge"]);
        Assert.Equal(2, attempts["train"]);
        Assert.Equal(1, attempts["evaluate"]);
        double resumedTop1 = after.GetProperty("metrics").GetProperty("top1").GetDouble();
        Assert.Equal(Math.Round(resumedTop1 * 18), resumedTop1 * 18, 3);
        Assert.Equal(history[0].GetProperty("model").GetString(), Step(after, "train").GetProperty("parent").GetString());
    }

    private static List<string?> Steps(JsonElement round) =>
        round.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()).ToList();

    private static JsonElement Step(JsonElement round, string name) =>
        round.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("step").GetString() == name).GetProperty("result");

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => _w.Dispose();
}
