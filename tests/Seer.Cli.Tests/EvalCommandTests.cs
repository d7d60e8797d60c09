using System.Diagnostics;
using System.Text.Json;

namespace Seer.Cli.Tests;

/// <summary>`seer eval` end to end: the real CLI process on real files.</summary>
public class EvalCommandTests
{
    private static readonly string Fixtures = Path.Combine(CliProcess.RepoRoot, "tests", "Seer.Evaluation.Tests", "Fixtures", "coco-eval");

    private static (int Exit, string Out, string Err) Seer(params string[] args)
    {
        return CliProcess.Run(null, args);
    }

    [Fact]
    public void EvalDetection_Json_PrintsPycocotoolsNumbers()
    {
        string dir = Path.Combine(Fixtures, "crowd");
        var (exit, stdout, stderr) = Seer("eval", "detection", "--gt", Path.Combine(dir, "gt.json"), "--pred", Path.Combine(dir, "pred.json"), "--json");
        Assert.True(exit == 0, stderr);
        using var got = JsonDocument.Parse(stdout);
        using var want = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        foreach (var p in want.RootElement.EnumerateObject())
        {
            if (p.Name == "per_class") continue;
            Assert.Equal(p.Value.GetDouble(), got.RootElement.GetProperty(p.Name).GetDouble(), 1e-9);
        }

        Assert.Equal(-1, got.RootElement.GetProperty("per_class").GetProperty("umbrella").GetDouble());
    }

    [Fact]
    public void EvalDetection_BadResults_ExitTwoWithError()
    {
        string dir = Path.Combine(Fixtures, "crowd");
        string bad = Path.Combine(Path.GetTempPath(), $"seer-eval-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, """[{"image_id": 123456, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]""");
        try
        {
            var (exit, _, stderr) = Seer("eval", "detection", "--gt", Path.Combine(dir, "gt.json"), "--pred", bad);
            Assert.Equal(2, exit);
            Assert.Contains("error:", stderr);
            Assert.Contains("image_id 123456", stderr);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void EvalClassification_Json_PrintsIssueKeys()
    {
        string tmp = Directory.CreateTempSubdirectory("seer-evalcls-").FullName;
        try
        {
            string gt = Path.Combine(tmp, "gt.json"), pred = Path.Combine(tmp, "pred.json");
            File.WriteAllText(gt, """{"classes": ["cat", "dog"], "items": [{"id": "a", "label": "cat"}, {"id": "b", "label": "dog"}]}""");
            File.WriteAllText(pred, """[{"id": "a", "scores": [0.9, 0.1]}, {"id": "b", "scores": [0.6, 0.4]}]""");
            var (exit, stdout, stderr) = Seer("eval", "classification", "--gt", gt, "--pred", pred, "--json");
            Assert.True(exit == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            Assert.Equal(0.5, doc.RootElement.GetProperty("top1").GetDouble());
            Assert.Equal(1.0, doc.RootElement.GetProperty("top5").GetDouble());
            Assert.Equal(1.0, doc.RootElement.GetProperty("per_class").GetProperty("cat").GetProperty("recall").GetDouble());
            Assert.True(doc.RootElement.TryGetProperty("macro_f1", out _));
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }
}
