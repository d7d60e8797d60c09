using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Onnx;

namespace Seer.Inference.Tests;

/// <summary>
/// One model per supported output layout, built with Seer's ONNX writer, all answering the same four boxes
/// (in 320×320 input pixels): A class 0 0.9, B class 0 0.8 overlapping A (NMS removes it), C class 1 0.7 on the same
/// spot (kept: NMS is per class), D class 1 0.1 (under the threshold). A 640×480 image letterboxes at scale 0.5 with
/// 40 px of padding above, so A comes back at (40, 40, 240, 240) and C at (44, 44, 244, 244).
/// </summary>
public sealed class OutputLayoutTests : IDisposable
{
    private static readonly (float X1, float Y1, float X2, float Y2, int Cls, float Score)[] Boxes =
    [
        (20, 60, 120, 160, 0, 0.9f),
        (22, 62, 122, 162, 0, 0.8f),
        (22, 62, 122, 162, 1, 0.7f),
        (200, 100, 300, 200, 1, 0.1f),
    ];

    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static InferenceSpec Spec(OutputLayout layout) => new()
    {
        Task = "detect", ClassNames = ["cat", "dog"], InputWidth = 320, InputHeight = 320, OutputLayout = layout,
    };

    private string Write(OnnxGraphBuilder g, InferenceSpec spec, string name)
    {
        string path = Path.Combine(_dir, name + ".onnx");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return path;
    }

    private static void AssertExpectedDetections(Predictor predictor)
    {
        var p = predictor.Predict(new EncodedImage("a.png", TestModels.Png(640, 480, new Scalar(10, 20, 30))));
        Assert.Equal((640, 480), (p.Width, p.Height));
        Assert.Equal(2, p.Detections.Count);
        var a = p.Detections[0];
        Assert.Equal(("cat", 0.9f), (a.Label, a.Score), new ToleranceComparer());
        Assert.Equal(40, a.Box.X1, 3); Assert.Equal(40, a.Box.Y1, 3); Assert.Equal(240, a.Box.X2, 3); Assert.Equal(240, a.Box.Y2, 3);
        var c = p.Detections[1];
        Assert.Equal(("dog", 0.7f), (c.Label, c.Score), new ToleranceComparer());
        Assert.Equal(44, c.Box.X1, 3); Assert.Equal(44, c.Box.Y1, 3); Assert.Equal(244, c.Box.X2, 3); Assert.Equal(244, c.Box.Y2, 3);
    }

    [Fact]
    public void YoloV5Layout_DecodesObjectnessTimesClassThenNms()
    {
        var values = new List<float>();
        foreach (var b in Boxes)
        {
            float obj = b.Cls == 0 && b.Score > 0.85f ? 0.9f : 1f;
            float cls = b.Score / obj;
            values.AddRange([(b.X1 + b.X2) / 2, (b.Y1 + b.Y2) / 2, b.X2 - b.X1, b.Y2 - b.Y1, obj, b.Cls == 0 ? cls : 0.05f, b.Cls == 1 ? cls : 0.05f]);
        }
        var g = TestModels.ConstantOutputs(320, 320, TensorLayout.Nchw, ("output0", values.ToArray(), [1, 4, 7]));
        using var model = OnnxModel.Load(Write(g, Spec(OutputLayout.YoloV5), "v5"));
        AssertExpectedDetections(new Predictor(model));
    }

    private static float[] V8Values()
    {
        var values = new float[6 * 4];
        for (int i = 0; i < Boxes.Length; i++)
        {
            var b = Boxes[i];
            float[] col = [(b.X1 + b.X2) / 2, (b.Y1 + b.Y2) / 2, b.X2 - b.X1, b.Y2 - b.Y1, b.Cls == 0 ? b.Score : 0.01f, b.Cls == 1 ? b.Score : 0.01f];
            for (int r = 0; r < 6; r++) values[r * 4 + i] = col[r];
        }
        return values;
    }

    [Fact]
    public void YoloV8Layout_DecodesTransposedRows()
    {
        var g = TestModels.ConstantOutputs(320, 320, TensorLayout.Nchw, ("output0", V8Values(), [1, 6, 4]));
        using var model = OnnxModel.Load(Write(g, Spec(OutputLayout.YoloV8), "v8"));
        AssertExpectedDetections(new Predictor(model));
    }

    [Fact]
    public void BoxesScoresLayout_WithNormalisedBoxesAndBackgroundColumn_FromManifestAndNhwcInput()
    {
        var boxes = Boxes.SelectMany(b => new[] { b.X1 / 320, b.Y1 / 320, b.X2 / 320, b.Y2 / 320 }).ToArray();
        var scores = Boxes.SelectMany(b => new[] { 1 - b.Score, b.Cls == 0 ? b.Score : 0, b.Cls == 1 ? b.Score : 0 }).ToArray();
        var g = TestModels.ConstantOutputs(320, 320, TensorLayout.Nhwc, ("scores", scores, [1, 4, 3]), ("boxes", boxes, [1, 4, 4]));
        string path = Path.Combine(_dir, "external.onnx");
        OnnxModelWriter.Write(g, path); // no metadata: an "external" model
        File.WriteAllText(Path.Combine(_dir, "external.seer.json"), """
            {
              "task": "detect", "class_names": ["cat", "dog"], "input_width": 320, "input_height": 320,
              "input_layout": "nhwc", "mean": [0, 0, 0], "std": [255, 255, 255],
              "output_layout": "boxes_scores", "output_names": ["boxes", "scores"],
              "box_format": "xyxy", "boxes_normalized": true, "background_column": 0
            }
            """);
        using var model = OnnxModel.Load(path);
        Assert.Equal(Path.Combine(_dir, "external.seer.json"), model.SpecSource);
        AssertExpectedDetections(new Predictor(model));
    }

    [Fact]
    public void ClassifierLogits_AreSoftmaxedAndRankedBestFirst()
    {
        var g = TestModels.ConstantOutputs(64, 64, TensorLayout.Nchw, ("logits", [1f, 3f, 2f], [1, 3]));
        var spec = new InferenceSpec
        {
            Task = "classify", ClassNames = ["a", "b", "c"], InputWidth = 64, InputHeight = 64,
            OutputLayout = OutputLayout.ClassifierLogits, Resize = ResizeMode.Stretch,
        };
        using var model = OnnxModel.Load(Write(g, spec, "cls"));
        var results = new Predictor(model, new PredictorOptions { TopK = 2 }).Predict(
        [
            new EncodedImage("x.jpg", TestModels.Jpeg(100, 50, new Scalar(0, 0, 255))),
            new EncodedImage("y.png", TestModels.Png(30, 90, new Scalar(0, 255, 0))),
        ]);
        double z = Math.Exp(1) + Math.Exp(3) + Math.Exp(2);
        foreach (var r in results)
        {
            Assert.Equal(["b", "c"], r.Classes.Select(c => c.Label));
            Assert.Equal(Math.Exp(3) / z, r.Classes[0].Score, 5);
            Assert.Equal(Math.Exp(2) / z, r.Classes[1].Score, 5);
        }
        Assert.Equal((30, 90), (results[1].Width, results[1].Height));
    }

    [Fact]
    public void ClassifierProbsAndEmbedding_ArePassedThrough()
    {
        var probs = TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("probs", [0.2f, 0.8f], [1, 2]));
        using var cls = OnnxModel.Load(Write(probs, new InferenceSpec
        {
            Task = "classify", ClassNames = ["no", "yes"], InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.ClassifierProbs,
        }, "probs"));
        var top = new Predictor(cls).Predict(new EncodedImage("a.png", TestModels.Png(40, 40, new Scalar(1, 2, 3)))).Classes;
        Assert.Equal(("yes", 0.8f), (top[0].Label, top[0].Score), new ToleranceComparer());

        var emb = TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("feature", [0.5f, -1f, 2f], [1, 3]));
        using var embed = OnnxModel.Load(Write(emb, new InferenceSpec
        {
            Task = "embed", InputWidth = 32, InputHeight = 32, OutputLayout = OutputLayout.Embedding,
        }, "embed"));
        var vector = new Predictor(embed).Predict(new EncodedImage("a.png", TestModels.Png(40, 40, new Scalar(1, 2, 3)))).Embedding;
        Assert.NotNull(vector);
        Assert.Equal([0.5f, -1f, 2f], vector!);
    }

    [Fact]
    public void PredictStream_ReturnsTheSameAnswersInOrderAsPredict()
    {
        var g = TestModels.ConstantOutputs(320, 320, TensorLayout.Nchw, ("output0", V8Values(), [1, 6, 4]));
        using var model = OnnxModel.Load(Write(g, Spec(OutputLayout.YoloV8), "stream"));
        var predictor = new Predictor(model, new PredictorOptions { BatchSize = 3, ScoreThreshold = 0.01f });
        var images = Enumerable.Range(0, 7).Select(i => new EncodedImage($"{i}.jpg", TestModels.Jpeg(200 + 40 * i, 300, new Scalar(i * 30, 0, 0)))).ToList();
        var batch = predictor.Predict(images);
        var streamed = predictor.PredictStream(images).ToList();
        Assert.Equal(images.Select(i => i.Name), streamed.Select(p => p.Name));
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(200 + 40 * i, streamed[i].Width);
            Assert.Equal(batch[i].Detections, streamed[i].Detections);
        }
    }

    private sealed class ToleranceComparer : IEqualityComparer<(string, float)>
    {
        public bool Equals((string, float) x, (string, float) y) => x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-4;
        public int GetHashCode((string, float) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }
}
