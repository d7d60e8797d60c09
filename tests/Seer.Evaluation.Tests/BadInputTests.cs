using Seer.Core.Errors;
using static Seer.Evaluation.Tests.Build;

namespace Seer.Evaluation.Tests;

/// <summary>Bad input gets a SeerException naming the file and entry, or the documented handling (warnings).</summary>
public class BadInputTests
{
    private const string Gt = """
        {"images": [{"id": 1}, {"id": 2}],
         "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0}]}
        """;

    private static SeerException Fails(string gt, string pred)
    {
        using var dir = new TempDir();
        return Assert.Throws<SeerException>(() => DetectionEvaluator.EvaluateCocoFiles(dir.Write("gt.json", gt), dir.Write("pred.json", pred)));
    }

    private static DetectionMetrics Runs(string gt, string pred)
    {
        using var dir = new TempDir();
        return DetectionEvaluator.EvaluateCocoFiles(dir.Write("gt.json", gt), dir.Write("pred.json", pred));
    }

    [Fact]
    public void UnknownImageIdInResults_IsAnError()
    {
        var ex = Fails(Gt, """[{"image_id": 99, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}]""");
        Assert.Contains("image_id 99", ex.Message);
        Assert.Contains("pred.json", ex.Message);
        Assert.Equal(ErrorCodes.InvalidInput, ex.Code);
    }

    [Fact]
    public void UnknownCategoryIdInResults_IsAnError() =>
        Assert.Contains("category_id 7", Fails(Gt, """[{"image_id": 1, "category_id": 7, "bbox": [0, 0, 10, 10], "score": 0.9}]""").Message);

    [Fact]
    public void UnknownIdsInGroundTruthAnnotations_AreErrors()
    {
        Assert.Contains("image_id 5", Fails(Gt.Replace("\"image_id\": 1", "\"image_id\": 5"), "[]").Message);
        Assert.Contains("category_id 9", Fails(Gt.Replace("\"category_id\": 1", "\"category_id\": 9"), "[]").Message);
    }

    [Theory]
    [InlineData("[0, 0, -5, 10]", "width and height must be >= 0")]
    [InlineData("[0, 0, 10]", "\"bbox\" must be [x, y, width, height]")]
    [InlineData("[0, \"a\", 10, 10]", "finite numbers")]
    public void BadResultBoxes_AreErrors(string bbox, string message) =>
        Assert.Contains(message, Fails(Gt, $$"""[{"image_id": 1, "category_id": 1, "bbox": {{bbox}}, "score": 0.9}]""").Message);

    [Fact]
    public void NaNInJson_IsReportedAsMalformedJson() =>
        Assert.Contains("malformed JSON", Fails(Gt, """[{"image_id": 1, "category_id": 1, "bbox": [NaN, 0, 10, 10], "score": 0.9}]""").Message);

    [Fact]
    public void MissingOrNonNumericScore_IsAnError()
    {
        Assert.Contains("score", Fails(Gt, """[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10]}]""").Message);
        Assert.Contains("score", Fails(Gt, """[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": "high"}]""").Message);
    }

    [Fact]
    public void DuplicateIds_AreErrors()
    {
        Assert.Contains("duplicate image id 1", Fails(Gt.Replace("{\"id\": 2}", "{\"id\": 1}"), "[]").Message);
        Assert.Contains("duplicate category id 1", Fails(Gt.Replace("{\"id\": 2, \"name\": \"dog\"}", "{\"id\": 1, \"name\": \"dog\"}"), "[]").Message);
        Assert.Contains("duplicate category name 'cat'", Fails(Gt.Replace("\"dog\"", "\"cat\""), "[]").Message);
        string twoAnns = Gt.Replace("\"iscrowd\": 0}]", "\"iscrowd\": 0}, {\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 5, 5], \"area\": 25}]");
        Assert.Contains("duplicate annotation id 1", Fails(twoAnns, "[]").Message);
    }

    [Fact]
    public void MalformedJson_NamesFileAndLine()
    {
        var ex = Fails(Gt, "[{\"image_id\": 1,\n \"category_id\": ");
        Assert.Contains("pred.json: malformed JSON at line 2", ex.Message);
    }

    [Fact]
    public void ResultsThatAreNotAList_AreAnError() =>
        Assert.Contains("expected a JSON array", Fails(Gt, """{"annotations": []}""").Message);

    [Fact]
    public void MissingFile_IsNotFound()
    {
        var ex = Assert.Throws<SeerException>(() => DetectionEvaluator.EvaluateCocoFiles("/nonexistent/gt.json", "/nonexistent/pred.json"));
        Assert.Equal(ErrorCodes.NotFound, ex.Code);
    }

    [Fact]
    public void EmptyResults_GiveZeroApAndAWarning()
    {
        var m = Runs(Gt, "[]");
        Assert.Equal(0.0, m.AP);
        Assert.Equal(0.0, m.PerClass["cat"]);
        Assert.Equal(-1.0, m.PerClass["dog"]);
        Assert.Contains(m.Warnings, w => w.Contains("no detections"));
    }

    [Fact]
    public void ZeroSizeDetection_IsAFalsePositiveWithAWarning()
    {
        var m = Runs(Gt, """
            [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 0, 10], "score": 0.95},
             {"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}]
            """);
        Assert.Equal(0.5, m.AP, 12);
        Assert.Contains(m.Warnings, w => w.Contains("zero width or height"));
    }

    [Fact]
    public void ZeroSizeGroundTruth_CountsAsAMissWithAWarning()
    {
        string gt = Gt.Replace("\"iscrowd\": 0}]", "\"iscrowd\": 0}, {\"id\": 2, \"image_id\": 2, \"category_id\": 1, \"bbox\": [5, 5, 0, 0], \"area\": 0}]");
        var m = Runs(gt, """[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}]""");
        Assert.Equal(0.5, m.AR100, 12);
        Assert.Contains(m.Warnings, w => w.Contains("zero width or height"));
    }

    [Fact]
    public void ImageRecordApi_RejectsUnknownLabelsNaNNegativeBoxesAndMissingScores()
    {
        string[] classes = ["cat"];
        var truth = new[] { Image(1, Build.Gt("cat", 0, 0, 10, 10)) };
        Assert.Contains("'dog' is not one of the evaluated classes",
            Assert.Throws<SeerException>(() => DetectionEvaluator.Evaluate(truth, Preds([Det("dog", 0, 0, 10, 10, 0.9)]), classes)).Message);
        Assert.Contains("non-finite", Assert.Throws<SeerException>(() =>
            DetectionEvaluator.Evaluate(truth, Preds([Det("cat", double.NaN, 0, 10, 10, 0.9)]), classes)).Message);
        Assert.Contains("negative width", Assert.Throws<SeerException>(() =>
            DetectionEvaluator.Evaluate(truth, Preds([Det("cat", 0, 0, -10, 10, 0.9)]), classes)).Message);
        Assert.Contains("finite Score", Assert.Throws<SeerException>(() =>
            DetectionEvaluator.Evaluate(truth, Preds([Det("cat", 0, 0, 10, 10, 0.9) with { Score = null }]), classes)).Message);
        Assert.Contains("prediction lists", Assert.Throws<SeerException>(() =>
            DetectionEvaluator.Evaluate(truth, Preds([], []), classes)).Message);
        Assert.Contains("duplicate class", Assert.Throws<SeerException>(() =>
            DetectionEvaluator.Evaluate(truth, Preds(Array.Empty<Seer.Core.Annotations.ObjectAnnotation>()), ["cat", "cat"])).Message);
    }

    [Fact]
    public void BadOptions_AreInvalidOptions()
    {
        var ex = Assert.Throws<SeerException>(() => DetectionEvaluator.Evaluate(
            [Image(1)], Preds(Array.Empty<Seer.Core.Annotations.ObjectAnnotation>()), ["cat"], new DetectionEvalOptions { IouThreshold = 0 }));
        Assert.Equal(ErrorCodes.InvalidOptions, ex.Code);
    }
}
