namespace Seer.Evaluation.Tests;

public class ClassificationTests
{
    [Fact]
    public void Metrics_EqualHandComputedValues()
    {
        // truth a, b, c, c; predicted a, a, c, b.
        int[] truth = [0, 1, 2, 2];
        float[][] scores = [[0.9f, 0.05f, 0.05f], [0.6f, 0.3f, 0.1f], [0.1f, 0.2f, 0.7f], [0.2f, 0.5f, 0.3f]];
        var m = ClassificationEvaluator.Evaluate(truth, scores, ["a", "b", "c"]);
        Assert.Equal(0.5, m.Top1, 12);
        Assert.Equal(1.0, m.Top5, 12); // 3 classes: top-5 is top-3
        Assert.Equal(new ClassMetrics(0.5, 1, 2.0 / 3, 1), m.PerClass["a"]);
        Assert.Equal(new ClassMetrics(0, 0, 0, 1), m.PerClass["b"]);
        Assert.Equal(new ClassMetrics(1, 0.5, 2.0 / 3, 2), m.PerClass["c"]);
        Assert.Equal(4.0 / 9, m.MacroF1, 12);
        Assert.Equal(0.5, m.WeightedF1, 12);
        Assert.Equal(new[] { 1, 0, 0 }, m.ConfusionMatrix[0]);
        Assert.Equal(new[] { 0, 1, 1 }, m.ConfusionMatrix[2]);
    }

    [Fact]
    public void Top5_CountsTruthRankedFifthButNotSixth()
    {
        string[] classes = ["a", "b", "c", "d", "e", "f", "g"];
        float[] fifth = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f];
        var m = ClassificationEvaluator.Evaluate([4, 5], [fifth, fifth], classes);
        Assert.Equal(0.5, m.Top5, 12);
        Assert.Equal(0.0, m.Top1, 12);
    }

    [Fact]
    public void MacroAverage_LeavesOutClassesNeitherTrueNorPredicted()
    {
        var m = ClassificationEvaluator.Evaluate([0, 1], [[1f, 0f, 0f], [0f, 1f, 0f]], ["a", "b", "never"]);
        Assert.Equal(1.0, m.MacroF1, 12);
        Assert.Equal(0.0, m.PerClass["never"].F1);
    }

    [Fact]
    public void TiedScores_PredictTheLowerIndex()
    {
        var m = ClassificationEvaluator.Evaluate([1], [[0.5f, 0.5f]], ["a", "b"]);
        Assert.Equal(0.0, m.Top1);
        Assert.Equal(1, m.ConfusionMatrix[1][0]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void Evaluate_RejectsTruthOutsideTheClasses(int label)
    {
        var ex = Assert.Throws<Seer.Core.Errors.SeerException>(() => ClassificationEvaluator.Evaluate([label], [[1f, 0f, 0f]], ["a", "b", "c"]));
        Assert.Contains("sample 0", ex.Message);
    }

    [Fact]
    public void Evaluate_RejectsWrongScoreLengthNaNAndEmptyInput()
    {
        Assert.Throws<Seer.Core.Errors.SeerException>(() => ClassificationEvaluator.Evaluate([0], [[1f, 0f]], ["a", "b", "c"]));
        Assert.Throws<Seer.Core.Errors.SeerException>(() => ClassificationEvaluator.Evaluate([0], [[float.NaN, 0f]], ["a", "b"]));
        Assert.Throws<Seer.Core.Errors.SeerException>(() => ClassificationEvaluator.Evaluate([], [], ["a", "b"]));
        Assert.Throws<Seer.Core.Errors.SeerException>(() => ClassificationEvaluator.Evaluate([0, 1], [[1f, 0f]], ["a", "b"]));
    }

    [Fact]
    public void ToJson_HasTheIssueKeys()
    {
        var json = ClassificationEvaluator.Evaluate([0], [[1f, 0f]], ["a", "b"]).ToJson();
        foreach (var key in new[] { "top1", "top5", "macro_f1", "per_class" }) Assert.True(json.ContainsKey(key), key);
        var a = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)json["per_class"]!)["a"]!;
        Assert.Equal(1.0, a["precision"]);
        Assert.Equal(1.0, a["recall"]);
        Assert.Equal(1.0, a["f1"]);
    }
}
