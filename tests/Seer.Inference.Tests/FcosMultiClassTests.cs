using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Data;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Onnx;
using TorchSharp;

namespace Seer.Inference.Tests;

/// <summary>
/// A multi-class FcosLite export decodes in the predictor exactly as the training side's FcosDecoder: every class
/// above the threshold at a location (not only the best), the 1000 best candidates, class-aware NMS, 100 kept.
/// </summary>
[Collection("TorchSharp")]
public sealed class FcosMultiClassTests
{
    [Fact]
    public void MultiClassFcosExport_GivesTheDetectionsOfFcosDecoder()
    {
        torch.manual_seed(3);
        const int size = 64;
        var model = new FcosLite(3, width: 8);
        using (torch.no_grad())
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
            }
        model.eval();
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "det3.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = ["a", "b", "c"], InputWidth = size, InputHeight = size }, path);
            using var onnx = ModelOpener.Open(path);
            var options = new PredictorOptions { ScoreThreshold = 0.05f, IouThreshold = 0.5f };
            var predictor = new Predictor(onnx, options);
            using var m = new Mat(48, 64, MatType.CV_8UC3, new OpenCvSharp.Scalar(40, 90, 160));
            Cv2.Circle(m, new Point(30, 20), 12, new OpenCvSharp.Scalar(250, 250, 250), -1);
            var image = new EncodedImage("x.png", m.ImEncode(".png"));
            var batch = predictor.Prepare([image]);
            float[] raw;
            using (torch.no_grad()) raw = model.forward(torch.tensor(batch.Tensor, batch.Shape)).data<float>().ToArray();

            var t = batch.Transforms[0];
            var expected = FcosDecoder.Decode(raw, 3, new FcosTargets(size), options.ScoreThreshold, options.IouThreshold)
                .Select(d => (d.Class, d.Score, Box: t.ToOriginal(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2))).ToList();
            var actual = predictor.Predict(image).Detections;

            // Several classes kept for one location: the decode is multi-label, not best-class-only.
            Assert.Contains(expected, e => expected.Any(o => o.Class != e.Class && Math.Abs(o.Box.X1 - e.Box.X1) < 1e-3 && Math.Abs(o.Box.Y2 - e.Box.Y2) < 1e-3));
            Assert.Equal(expected.Count, actual.Count);
            // Same detections; near-equal scores (random weights) may come in another order, so match as sets.
            var unmatched = actual.ToList();
            foreach (var e in expected)
            {
                var match = unmatched.FirstOrDefault(a => a.ClassId == e.Class && Math.Abs(a.Score - e.Score) < 1e-4 &&
                    Math.Abs(a.Box.X1 - e.Box.X1) < 1e-2 && Math.Abs(a.Box.Y1 - e.Box.Y1) < 1e-2 &&
                    Math.Abs(a.Box.X2 - e.Box.X2) < 1e-2 && Math.Abs(a.Box.Y2 - e.Box.Y2) < 1e-2);
                Assert.True(match is not null, $"no predictor detection for FcosDecoder's {e}");
                unmatched.Remove(match);
            }
            Assert.True(actual.Zip(actual.Skip(1)).All(p => p.First.Score >= p.Second.Score), "best first");
        }
        finally { Directory.Delete(dir, true); }
    }
}
