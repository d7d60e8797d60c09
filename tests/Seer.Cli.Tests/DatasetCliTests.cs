using System.Diagnostics;
using System.Text.Json;

namespace Seer.Cli.Tests;

/// <summary>The dataset commands end to end: the built CLI run as a child process on real data.</summary>
public sealed class DatasetCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-cli-" + Guid.NewGuid().ToString("N"));
    private readonly string _out = Path.Combine(Path.GetTempPath(), "seer-cli-out-" + Guid.NewGuid().ToString("N"));

    private static string Voc => Path.Combine(CliProcess.RepoRoot, ".data", "labelme", "bbox_detection", "data_dataset_voc");

    [Fact]
    public async Task ImportVocExamples_ThenStatsShowsPerson6Bus2Car1()
    {
        var import = await RunAsync("dataset", "import", Voc, "--format", "voc", "--name", "voc", "--json");
        Assert.True(import.Code == 0, import.Stderr);
        using var result = JsonDocument.Parse(import.Stdout);
        Assert.Equal("voc", result.RootElement.GetProperty("dataset").GetString());
        Assert.Equal(64, result.RootElement.GetProperty("version").GetString()!.Length);
        Assert.Equal(3, result.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(0, result.RootElement.GetProperty("rejected").GetArrayLength());

        var stats = await RunAsync("dataset", "stats", "voc", "--json");
        Assert.True(stats.Code == 0, stats.Stderr);
        using var s = JsonDocument.Parse(stats.Stdout);
        Assert.Equal(3, s.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(3, s.RootElement.GetProperty("labelled").GetInt32());
        var perClass = s.RootElement.GetProperty("instances_per_class");
        Assert.Equal(6, perClass.GetProperty("person").GetInt32());
        Assert.Equal(2, perClass.GetProperty("bus").GetInt32());
        Assert.Equal(1, perClass.GetProperty("car").GetInt32());
        Assert.Equal(3, s.RootElement.GetProperty("images_per_class").EnumerateObject().Count());

        // Export to COCO and import that back: the same statistics.
        var export = await RunAsync("dataset", "export", "voc", "--format", "coco", "--out", _out, "--json");
        Assert.True(export.Code == 0, export.Stderr);
        var back = await RunAsync("dataset", "import", _out, "--format", "coco", "--name", "back", "--unknown-labels", "refuse", "--json");
        Assert.True(back.Code == 0, back.Stderr);
        var stats2 = await RunAsync("dataset", "stats", "back", "--json");
        using var s2 = JsonDocument.Parse(stats2.Stdout);
        Assert.Equal(perClass.ToString(), s2.RootElement.GetProperty("instances_per_class").ToString());
    }

    [Fact]
    public async Task Import_RefusingUnknownLabelsFailsNamingThem_AndMapFixesIt()
    {
        var refused = await RunAsync("dataset", "import", Voc, "--format", "voc", "--name", "v", "--unknown-labels", "refuse");
        Assert.Equal(2, refused.Code);
        Assert.StartsWith("error: ", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("person, bus, car", refused.Stderr, StringComparison.Ordinal);
        var list = await RunAsync("dataset", "list", "--json");
        Assert.Equal(0, JsonDocument.Parse(list.Stdout).RootElement.GetProperty("datasets").GetArrayLength());

        var mapped = await RunAsync("dataset", "import", Voc, "--format", "voc", "--name", "v", "--map", "person=pedestrian", "--json");
        Assert.True(mapped.Code == 0, mapped.Stderr);
        using var doc = JsonDocument.Parse(mapped.Stdout);
        Assert.Equal(["pedestrian", "bus", "car"], doc.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["pedestrian", "bus", "car"], doc.RootElement.GetProperty("new_labels").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Errors_GoToStderrWithNotFoundExitCode()
    {
        var missing = await RunAsync("dataset", "stats", "nope");
        Assert.Equal(3, missing.Code);
        Assert.Contains("dataset 'nope' does not exist", missing.Stderr, StringComparison.Ordinal);
        var json = await RunAsync("dataset", "import", "/no/such/folder", "--format", "voc", "--json");
        Assert.Equal(3, json.Code);
        Assert.Equal("not_found", JsonDocument.Parse(json.Stderr).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("", json.Stdout);
    }

    [Fact]
    public async Task Demo_IsRerunnableAndKeepsItsVersion()
    {
        var first = await RunAsync("demo", "--json");
        Assert.True(first.Code == 0, first.Stderr);
        var second = await RunAsync("demo", "--json");
        using var a = JsonDocument.Parse(first.Stdout);
        using var b = JsonDocument.Parse(second.Stdout);
        Assert.True(a.RootElement.GetProperty("import").GetProperty("created").GetBoolean());
        Assert.False(b.RootElement.GetProperty("import").GetProperty("created").GetBoolean());
        Assert.Equal(a.RootElement.GetProperty("import").GetProperty("version").GetString(),
            b.RootElement.GetProperty("import").GetProperty("version").GetString());
        Assert.Equal(6, b.RootElement.GetProperty("stats").GetProperty("instances_per_class").GetProperty("person").GetInt32());
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), args);

    public void Dispose()
    {
        foreach (var d in new[] { _home, _out })
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
    }
}
