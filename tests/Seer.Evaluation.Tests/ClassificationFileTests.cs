using Seer.Core.Errors;
using static Seer.Evaluation.Tests.Build;

namespace Seer.Evaluation.Tests;

public class ClassificationFileTests
{
    private const string Gt = """
        {"classes": ["cat", "dog", "bird"],
         "items": [{"id": "a.jpg", "label": "cat"}, {"id": "b.jpg", "label": "dog"}, {"id": "c.jpg", "label": "bird"}]}
        """;

    [Fact]
    public void ScoreFiles_GiveTheSameMetricsAsTheApi()
    {
        using var dir = new TempDir();
        var m = ClassificationEvaluator.EvaluateFiles(dir.Write("gt.json", Gt), dir.Write("pred.json", """
            [{"id": "c.jpg", "scores": [0.1, 0.7, 0.2]}, {"id": "a.jpg", "scores": [0.8, 0.1, 0.1]}, {"id": "b.jpg", "scores": [0.2, 0.5, 0.3]}]
            """));
        Assert.Equal(2.0 / 3, m.Top1, 12);
        Assert.Equal(1.0, m.Top5, 12);
        Assert.Equal(1, m.ConfusionMatrix[2][1]);
    }

    [Fact]
    public void HardLabelFiles_GiveTop1AndNoTop5()
    {
        using var dir = new TempDir();
        var m = ClassificationEvaluator.EvaluateFiles(dir.Write("gt.json", Gt), dir.Write("pred.json", """
            [{"id": "a.jpg", "label": "cat"}, {"id": "b.jpg", "label": "dog"}, {"id": "c.jpg", "label": "cat"}]
            """));
        Assert.Equal(2.0 / 3, m.Top1, 12);
        Assert.Equal(-1.0, m.Top5);
    }

    [Theory]
    [InlineData("""[{"id": "a.jpg", "label": "cat"}, {"id": "b.jpg", "label": "dog"}]""", "no prediction for ground-truth id 'c.jpg'")]
    [InlineData("""[{"id": "zzz.jpg", "label": "cat"}]""", "id 'zzz.jpg' is not in the ground truth")]
    [InlineData("""[{"id": "a.jpg", "label": "cat"}, {"id": "a.jpg", "label": "cat"}]""", "duplicate prediction for id 'a.jpg'")]
    [InlineData("""[{"id": "a.jpg", "scores": [1, 0]}]""", "2 scores for 3 classes")]
    [InlineData("""[{"id": "a.jpg", "label": "fish"}]""", "label 'fish' is not in")]
    [InlineData("""[{"id": "a.jpg", """, "malformed JSON")]
    public void BadPredictionFiles_AreErrors(string pred, string message)
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<SeerException>(() => ClassificationEvaluator.EvaluateFiles(dir.Write("gt.json", Gt), dir.Write("pred.json", pred)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void DuplicateGroundTruthIds_AreAnError()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<SeerException>(() => ClassificationEvaluator.EvaluateFiles(
            dir.Write("gt.json", Gt.Replace("\"b.jpg\"", "\"a.jpg\"")), dir.Write("pred.json", "[]")));
        Assert.Contains("duplicate id 'a.jpg'", ex.Message);
    }
}
