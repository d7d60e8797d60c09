namespace Seer.Cli.Tests.ActiveLearning;

/// <summary><c>seer mine</c> end to end: a model trained by <c>seer train</c> ranks a real unlabelled pool.</summary>
public sealed class MineCliTests : IDisposable
{
    private readonly LoopWorkspace _w = new();

    private async Task<string> TrainAsync()
    {
        await _w.ImportShapesAsync();
        var train = await _w.RunAsync("train", "--task", "classify", "--train", "train", "--val", "val", "--epochs", "1", "--size", "32",
            "--batch", "8", "--params", _w.TinyParams(), "--json");
        Assert.True(train.Code == 0, train.Stderr);
        return LoopWorkspace.Json(train.Stdout).GetProperty("model").GetString()!;
    }

    [Fact]
    public async Task Mine_RanksThePoolByEntropy_CommitsTheTopK_AndNeverPicksAnImageTwice()
    {
        string model = await TrainAsync();
        var first = await _w.RunAsync("mine", model, "pool", "--strategy", "entropy", "--topk", "10", "--duplicate-bits", "-1", "--json");
        Assert.True(first.Code == 0, first.Stderr);
        var json = LoopWorkspace.Json(first.Stdout);
        Assert.Equal("entropy", json.GetProperty("strategy").GetString());
        Assert.Equal(60, json.GetProperty("considered").GetInt32());
        var items = json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(10, items.Count);
        Assert.Equal(Enumerable.Range(1, 10), items.Select(i => i.GetProperty("rank").GetInt32()));
        var scores = items.Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        // A trained model is more certain of some images than others: a model with one output for everything (or a
        // scorer ignoring it) would give ten equal scores.
        Assert.True(scores[0] > scores[^1], string.Join(", ", scores));
        Assert.All(items, i => Assert.Equal(64, i.GetProperty("image_id").GetString()!.Length));
        Assert.All(items, i => Assert.StartsWith("img02", i.GetProperty("file_name").GetString(), StringComparison.Ordinal));
        Assert.Equal("pool-mined", json.GetProperty("version").GetProperty("dataset").GetString());
        Assert.Equal(10, json.GetProperty("version").GetProperty("images").GetInt32());

        // The next run excludes every earlier pick of pool-mined.
        var second = await _w.RunAsync("mine", model, "pool", "--strategy", "entropy", "--topk", "10", "--duplicate-bits", "-1", "--json");
        Assert.True(second.Code == 0, second.Stderr);
        var again = LoopWorkspace.Json(second.Stdout);
        Assert.True(again.GetProperty("excluded").GetInt32() >= 10);
        var firstIds = items.Select(i => i.GetProperty("image_id").GetString()).ToHashSet();
        var secondIds = again.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("image_id").GetString()).ToList();
        Assert.Equal(10, secondIds.Count);
        Assert.DoesNotContain(secondIds, firstIds.Contains);
        // The picked images have the lowest confidence: the second batch's best score is at most the first's worst.
        Assert.True(again.GetProperty("items")[0].GetProperty("score").GetDouble() <= scores[^1] + 1e-6);

        // Seeded random: the same seed gives the same picks; bad input is refused with a message.
        var a = await _w.RunAsync("mine", model, "pool", "--strategy", "random", "--seed", "3", "--topk", "5", "--into", "ra", "--json");
        var b = await _w.RunAsync("mine", model, "pool", "--strategy", "random", "--seed", "3", "--topk", "5", "--into", "rb", "--json");
        Assert.True(a.Code == 0 && b.Code == 0, a.Stderr + b.Stderr);
        Assert.Equal(Ids(a.Stdout), Ids(b.Stdout));
        var bad = await _w.RunAsync("mine", model, "pool", "--strategy", "sharpest", "--topk", "5");
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("unknown strategy 'sharpest'", bad.Stderr, StringComparison.Ordinal);
    }

    private static List<string?> Ids(string stdout) =>
        LoopWorkspace.Json(stdout).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("image_id").GetString()).ToList();

    public void Dispose() => _w.Dispose();
}
