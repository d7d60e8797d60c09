using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Core.Inference;
using Seer.Evaluation;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Data;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Inference.Tests;

/// <summary>After export, the evaluators give the same accuracy / mAP through ONNX Runtime as through TorchSharp.</summary>
[Collection("TorchSharp")]
public sealed class ExportEvaluationTests
{
    private static readonly string[] Colours = ["red", "green", "blue"];

    private static EncodedImage ColourImage(int index, int cls, Random rng)
    {
        using var m = new Mat(24, 24, MatType.CV_8UC3, new OpenCvSharp.Scalar(rng.Next(60), rng.Next(60), rng.Next(60)));
        var colour = cls switch { 0 => new OpenCvSharp.Scalar(0, 0, 255), 1 => new OpenCvSharp.Scalar(0, 255, 0), _ => new OpenCvSharp.Scalar(255, 0, 0) };
        int x = rng.Next(0, 10), y = rng.Next(0, 10);
        Cv2.Rectangle(m, new Rect(x, y, 8 + rng.Next(6), 8 + rng.Next(6)), colour, -1);
        return new EncodedImage($"{index}.png", m.ImEncode(".png"));
    }

    [Fact]
    public void TrainedSmallCnn_HasTheSameAccuracyThroughOnnxRuntime()
    {
        torch.set_num_threads(1); // fixed thread count: bit-identical training (STACK.md)
        torch.manual_seed(1);
        var rng = new Random(1);
        var labels = Enumerable.Range(0, 36).Select(i => i % 3).ToArray();
        var images = labels.Select((c, i) => ColourImage(i, c, rng)).ToList();
        var model = new SmallCnn(3, width: 4, imageSize: 24);
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "cls.onnx");
            var spec = new InferenceSpec { Task = "classify", ClassNames = Colours, InputWidth = 24, InputHeight = 24, Resize = ResizeMode.Stretch, OutputLayout = OutputLayout.ClassifierLogits };
            OnnxExporter.Export(model, spec, path); // an untrained export only to prepare inputs with the Predictor's pipeline
            PreparedBatch batch;
            using (var prep = ModelOpener.Open(path)) batch = new Predictor(prep, new PredictorOptions { BatchSize = 64 }).Prepare(images);
            var x = torch.empty(batch.Shape);
            x.data<float>().CopyFrom(batch.Tensor);
            var y = Seer.Training.Engine.Tensors.Copy(labels.Select(l => (long)l).ToArray()); // a copy: torch.tensor(array) can alias managed memory
            using var optimizer = new Seer.Training.Engine.SgdOptimizer(model.parameters(), momentum: 0.9, weightDecay: 0);
            model.train();
            for (int step = 0; step < 30; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                optimizer.ZeroGrad();
                using var loss = nn.functional.cross_entropy(model.forward(x), y);
                Assert.False(float.IsNaN(loss.item<float>()), $"loss at step {step} is NaN");
                loss.backward();
                optimizer.Step(0.05);
            }
            model.eval();
            float[] logits;
            using (torch.no_grad()) logits = nn.functional.softmax(model.forward(x), 1).data<float>().ToArray();
            var torchScores = labels.Select((_, i) => logits.AsSpan(i * 3, 3).ToArray()).ToList();
            var torchMetrics = ClassificationEvaluator.Evaluate(labels, torchScores, Colours);

            OnnxExporter.Export(model, spec, path);
            using var onnx = ModelOpener.Open(path);
            var predictions = new Predictor(onnx, new PredictorOptions { BatchSize = 64, TopK = 3 }).Predict(images);
            var onnxScores = predictions.Select(p =>
            {
                var s = new float[3];
                foreach (var c in p.Classes) s[c.ClassId] = c.Score;
                return s;
            }).ToList();
            var onnxMetrics = ClassificationEvaluator.Evaluate(labels, onnxScores, Colours);
            for (int i = 0; i < labels.Length; i++)
                for (int c = 0; c < 3; c++) Assert.True(Math.Abs(torchScores[i][c] - onnxScores[i][c]) < 1e-4, $"{i},{c}");
            Assert.True(torchMetrics.Top1 > 0.5, $"the tiny classifier learnt something (top-1 {torchMetrics.Top1})");
            Assert.Equal(torchMetrics.Top1, onnxMetrics.Top1);
            Assert.Equal(torchMetrics.MacroF1, onnxMetrics.MacroF1);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FcosLite_HasTheSameMapThroughOnnxRuntimeAsFcosDecoder()
    {
        torch.manual_seed(2);
        const int size = 64;
        var model = new FcosLite(1, width: 8);
        using (torch.no_grad())
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
            }
        model.eval();
        var rng = new Random(2);
        var images = Enumerable.Range(0, 4).Select(i => ColourImage(i, i % 3, rng)).ToList();
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "det.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = ["thing"], InputWidth = size, InputHeight = size }, path);
            using var onnx = ModelOpener.Open(path);
            var predictor = new Predictor(onnx, new PredictorOptions { ScoreThreshold = 0.05f, IouThreshold = 0.5f, MaxDetections = 100 });
            var batch = predictor.Prepare(images);
            float[] raw;
            using (torch.no_grad()) raw = model.forward(torch.tensor(batch.Tensor, batch.Shape)).data<float>().ToArray();
            int perImage = raw.Length / images.Count;
            var grid = new FcosTargets(size);
            var onnxPredictions = predictor.Predict(images);
            var truth = new List<ImageRecord>();
            var torchDetections = new List<IReadOnlyList<ObjectAnnotation>>();
            var onnxDetections = new List<IReadOnlyList<ObjectAnnotation>>();
            for (int i = 0; i < images.Count; i++)
            {
                // Canvas = image (24 px letterboxed to 64): map canvas boxes back with the Predictor's transform.
                var t = batch.Transforms[i];
                var decoded = FcosDecoder.Decode(raw.AsSpan(i * perImage, perImage), 1, grid, 0.05, 0.5)
                    .Select(d => new ObjectAnnotation("thing", t.ToOriginal(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2)) { Score = d.Score }).ToList();
                torchDetections.Add(decoded);
                onnxDetections.Add(onnxPredictions[i].Detections.Select(d => new ObjectAnnotation("thing", d.Box) { Score = d.Score }).ToList());
                // Ground truth: the coloured square region, so AP is neither 0 nor 1 by construction.
                truth.Add(new ImageRecord($"h{i}", images[i].Name, 24, 24) { IsLabelled = true, Objects = [new ObjectAnnotation("thing", new BoxXyxy(4, 4, 16, 16))] });
            }
            var torchMap = DetectionEvaluator.Evaluate(truth, torchDetections, ["thing"]);
            var onnxMap = DetectionEvaluator.Evaluate(truth, onnxDetections, ["thing"]);
            Assert.Equal(torchDetections.Sum(d => d.Count), onnxDetections.Sum(d => d.Count));
            Assert.True(torchDetections.Sum(d => d.Count) > 0 && torchMap.AP50 > 0, $"non-trivial mAP (AP50 {torchMap.AP50})");
            Assert.Equal(torchMap.AP, onnxMap.AP, 6);
            Assert.Equal(torchMap.AP50, onnxMap.AP50, 6);
        }
        finally { Directory.Delete(dir, true); }
    }
}
