using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Inference.ImageApi;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Onnx;

namespace Seer.Inference.Tests;

/// <summary>
/// The image API over a detector that always answers three boxes on a 320×320 image: a sharp checkerboard (kept), a
/// blurred patch (dropped by the sharpness filter) and a 10-pixel box (dropped by the size filter).
/// </summary>
public sealed class ImageApiTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Predictor Model(OnnxGraphBuilder g, InferenceSpec spec, string name)
    {
        string path = Path.Combine(_dir, name + ".onnx");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return new Predictor(OnnxModel.Load(path));
    }

    private static byte[] Scene()
    {
        using var m = new Mat(320, 320, MatType.CV_8UC3, new Scalar(90, 90, 90));
        for (int y = 20; y < 120; y += 10)
            for (int x = 20; x < 120; x += 10)
                if ((x + y) / 10 % 2 == 0) Cv2.Rectangle(m, new Rect(x, y, 10, 10), Scalar.White, -1);
        using var patch = new Mat(m, new Rect(180, 180, 100, 100));
        Cv2.GaussianBlur(patch, patch, new Size(31, 31), 12);
        return m.ImEncode(".png");
    }

    [Fact]
    public void Analyze_ReturnsObjectsWithCropsAttributesAndFeatures_AndFiltersSmallAndBlurryOnes()
    {
        (float cx, float cy, float w, float h, float score)[] boxes = [(70, 70, 100, 100, 0.9f), (230, 230, 100, 100, 0.8f), (300, 20, 10, 10, 0.7f)];
        var v8 = new float[5 * 3];
        for (int b = 0; b < 3; b++)
        {
            float[] col = [boxes[b].cx, boxes[b].cy, boxes[b].w, boxes[b].h, boxes[b].score];
            for (int r = 0; r < 5; r++) v8[r * 3 + b] = col[r];
        }
        var detector = Model(TestModels.ConstantOutputs(320, 320, TensorLayout.Nchw, ("out", v8, [1, 5, 3])),
            new InferenceSpec { Task = "detect", ClassNames = ["thing"], InputWidth = 320, InputHeight = 320, OutputLayout = OutputLayout.YoloV8 }, "det");
        var colour = Model(TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("logits", [0f, 2f], [1, 2])),
            new InferenceSpec { Task = "classify", ClassNames = ["red", "grey"], InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.ClassifierLogits }, "colour");
        var features = Model(TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("f", [3f, 4f], [1, 2])),
            new InferenceSpec { Task = "embed", InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.Embedding }, "feat");
        var analyzer = new ImageAnalyzer(detector, new Dictionary<string, Predictor> { ["colour"] = colour }, features);

        var all = analyzer.Analyze(new EncodedImage("scene.png", Scene()), new ImageAnalysisOptions());
        Assert.Equal(3, all.Objects.Count);
        double sharp = all.Objects[0].Sharpness, blurred = all.Objects[1].Sharpness;
        Assert.True(sharp > 10 * blurred, $"checkerboard {sharp} vs blurred {blurred}");

        var result = analyzer.Analyze(new EncodedImage("scene.png", Scene()),
            new ImageAnalysisOptions { IncludeCrops = true, MinBoxSize = 20, MinSharpness = Math.Sqrt(sharp * Math.Max(blurred, 1e-3)) });
        Assert.Equal((320, 320), (result.Width, result.Height));
        Assert.Equal(1, result.DroppedTooSmall);
        Assert.Equal(1, result.DroppedBlurry);
        var o = Assert.Single(result.Objects);
        Assert.Equal(("thing", 0.9f), (o.Label, o.Score));
        Assert.Equal(20, o.Box.X1, 3);
        Assert.Equal(120, o.Box.Y2, 3);
        Assert.Equal("grey", o.Attributes["colour"].Label);
        Assert.Equal([0.6f, 0.8f], o.Feature!);
        using var crop = Cv2.ImDecode(o.Crop!, ImreadModes.Color);
        Assert.Equal((100, 100), (crop.Width, crop.Height));
    }

    [Fact]
    public void Analyze_WithoutDetector_TreatsTheWholeImageAsTheObject_AndRejectsWrongModelKinds()
    {
        var colour = Model(TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("logits", [1f, 0f], [1, 2])),
            new InferenceSpec { Task = "classify", ClassNames = ["red", "grey"], InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.ClassifierLogits }, "colour");
        var result = new ImageAnalyzer(null, new Dictionary<string, Predictor> { ["colour"] = colour })
            .Analyze(new EncodedImage("p.png", TestModels.Png(50, 40, new Scalar(0, 0, 200))));
        var o = Assert.Single(result.Objects);
        Assert.Null(o.Label);
        Assert.Equal((50.0, 40.0), (o.Box.Width, o.Box.Height));
        Assert.Equal("red", o.Attributes["colour"].Label);

        var ex = Assert.Throws<Core.Errors.SeerException>(() => new ImageAnalyzer(colour));
        Assert.Contains("is a classify model, not a detector", ex.Message, StringComparison.Ordinal);
    }
}
