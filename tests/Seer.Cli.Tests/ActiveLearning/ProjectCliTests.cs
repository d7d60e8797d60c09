namespace Seer.Cli.Tests.ActiveLearning;

/// <summary><c>seer project create|show|history|list</c>: projects pinned to dataset versions, in the workspace database.</summary>
public sealed class ProjectCliTests : IDisposable
{
    private readonly LoopWorkspace _w = new();

    [Fact]
    public async Task Create_PinsTheVersions_ShowAndHistoryPrintThemAsJson()
    {
        await _w.ImportShapesAsync(train: 6, val: 6, pool: 6);
        var created = await _w.RunAsync("project", "create", "shapes", "--task", "classify", "--train", "train", "--val", "val",
            "--pool", "pool", "--test", "val", "--owner", "ada", "--json");
        Assert.True(created.Code == 0, created.Stderr);
        var p = LoopWorkspace.Json(created.Stdout);
        Assert.Equal("shapes", p.GetProperty("name").GetString());
        Assert.Equal("classify", p.GetProperty("task").GetString());
        Assert.Equal("ada", p.GetProperty("owner").GetString());
        Assert.StartsWith("train@", p.GetProperty("train").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("pool@", p.GetProperty("pool").GetString(), StringComparison.Ordinal);
        Assert.Equal(LoopWorkspace.Classes.Order(), p.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).Order());
        Assert.Equal(0, p.GetProperty("rounds").GetInt32());

        // The project keeps its versions when the datasets move on.
        var moved = await _w.RunAsync("dataset", "import", Path.Combine(_w.Files, "val"), "--format", "folders", "--name", "train", "--json");
        Assert.True(moved.Code == 0, moved.Stderr);
        var shown = await _w.RunAsync("project", "show", "shapes", "--json");
        Assert.True(shown.Code == 0, shown.Stderr);
        Assert.Equal(p.GetProperty("train").GetString(), LoopWorkspace.Json(shown.Stdout).GetProperty("train").GetString());

        var history = await _w.RunAsync("project", "history", "shapes", "--json");
        Assert.True(history.Code == 0, history.Stderr);
        Assert.Equal(0, LoopWorkspace.Json(history.Stdout).GetProperty("history").GetArrayLength());
        var table = await _w.RunAsync("project", "list");
        Assert.True(table.Code == 0, table.Stderr);
        Assert.Contains("shapes", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RefusesBadInputWithAMessage()
    {
        await _w.ImportShapesAsync(train: 3, val: 3, pool: 3);
        var task = await _w.RunAsync("project", "create", "p", "--task", "segment", "--train", "train", "--val", "val", "--pool", "pool");
        Assert.NotEqual(0, task.Code);
        Assert.Contains("--task must be classify or detect", task.Stderr, StringComparison.Ordinal);
        var labelledPool = await _w.RunAsync("project", "create", "p", "--task", "classify", "--train", "train", "--val", "val", "--pool", "oracle");
        Assert.NotEqual(0, labelledPool.Code);
        Assert.Contains("has no unlabelled image", labelledPool.Stderr, StringComparison.Ordinal);
        var missing = await _w.RunAsync("project", "create", "p", "--task", "classify", "--train", "nope", "--val", "val", "--pool", "pool");
        Assert.NotEqual(0, missing.Code);
        Assert.Contains("dataset 'nope' does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await _w.RunAsync("project", "create", "p", "--task", "classify", "--train", "train", "--val", "val", "--pool", "pool")).Code);
        var twice = await _w.RunAsync("project", "create", "p", "--task", "classify", "--train", "train", "--val", "val", "--pool", "pool");
        Assert.NotEqual(0, twice.Code);
        Assert.Contains("project 'p' already exists", twice.Stderr, StringComparison.Ordinal);
        var unknown = await _w.RunAsync("project", "show", "q");
        Assert.NotEqual(0, unknown.Code);
        Assert.Contains("project 'q' does not exist", unknown.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _w.Dispose();
}
