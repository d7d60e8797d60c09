using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Scalar = OpenCvSharp.Scalar;
using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Inference.Benchmark;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Inference.Quantization;
using Seer.Training.Models;
using Seer.Training.Onnx;
using TorchSharp;

namespace Seer.Inference.Tests;

/// <summary>
/// INT8 quantisation (<see cref="OnnxQuantizer"/>): real ONNX Runtime runs of Seer's exports before and after, on
/// images like the calibration images; ONNX Runtime's own optimised graph shows the fused integer operators.
/// </summary>
[Collection("TorchSharp")]
public sealed class QuantizationTests
{
    /// <summary>Scenes like the calibration scenes: a dark textured background with a few coloured rectangles.</summary>
    private static List<EncodedImage> Scenes(int count, int size, int seed)
    {
        var rng = new Random(seed);
        var list = new List<EncodedImage>();
        for (int i = 0; i < count; i++)
        {
            using var m = new Mat(size, size, MatType.CV_8UC3);
            Cv2.Randu(m, new Scalar(0, 0, 0), new Scalar(90, 90, 90));
            for (int k = 0; k < 3; k++)
            {
                int w = rng.Next(size / 6, size / 2), h = rng.Next(size / 6, size / 2);
                Cv2.Rectangle(m, new Rect(rng.Next(0, size - w), rng.Next(0, size - h), w, h),
                    new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)), -1);
            }
            list.Add(new EncodedImage($"{seed}-{i}.png", m.ImEncode(".png")));
        }
        return list;
    }

    private static void RandomBatchNormStatistics(torch.nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, t) in model.state_dict())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
            if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
        }
        model.eval();
    }

    /// <summary>Every output of the model on the images, by name.</summary>
    private static Dictionary<string, float[]> Outputs(string path, IReadOnlyList<EncodedImage> images)
    {
        using var model = ModelOpener.Open(path);
        var batch = new Predictor(model, new PredictorOptions { BatchSize = images.Count }).Prepare(images);
        using var x = OrtValue.CreateTensorValueFromMemory(batch.Tensor, batch.Shape);
        using var run = new RunOptions();
        var names = model.Session.OutputMetadata.Keys.ToArray();
        using var results = model.Session.Run(run, [model.InputName], [x], names);
        return names.Select((n, i) => (n, results[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
    }

    /// <summary>Operator names of the graph ONNX Runtime runs after its optimisations (written by the session).</summary>
    private static List<string> OptimisedOperators(string path, string dir)
    {
        string optimised = Path.Combine(dir, "optimised.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimised })
        using (new InferenceSession(path, options)) { }
        return OnnxOperators.Of(optimised).ToList();
    }

    [Fact]
    public void FcosLite_Int8_StaysCloseToFp32_AndRunsFusedIntegerConvolutions()
    {
        torch.manual_seed(3);
        var model = new FcosLite(2, width: 8);
        RandomBatchNormStatistics(model);
        string dir = TestPaths.TempDir();
        try
        {
            string fp32 = Path.Combine(dir, "det.onnx"), int8 = Path.Combine(dir, "det.int8.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = ["a", "b"], InputWidth = 64, InputHeight = 64 }, fp32);
            var report = OnnxQuantizer.QuantizeInt8(fp32, int8, Scenes(32, 64, 1), new QuantizationOptions { Source = "scenes@1" });
            Assert.Equal(32, report.CalibrationImages);
            Assert.True(report.QuantizedWeights >= 20, $"{report.QuantizedWeights} weights quantised");
            Assert.Equal(0, report.FoldedActivations); // FcosLite uses SiLU: no ReLU to fold
            Assert.True(report.Bytes < report.SourceBytes / 2, $"int8 weights: {report.Bytes} bytes vs {report.SourceBytes}");

            // The metadata carries over: the quantised model opens as the same Seer model.
            using (var a = ModelOpener.Open(fp32))
            using (var b = ModelOpener.Open(int8))
            {
                Assert.Equal(a.Spec.ToProperties(), b.Spec.ToProperties());
                Assert.Equal(a.OutputNames, b.OutputNames);
            }

            var test = Scenes(8, 64, 2); // not the calibration images, but like them
            var f = Outputs(fp32, test);
            var q = Outputs(int8, test);
            float[] fs = f["scores"], qs = q["scores"];
            Assert.Equal(fs.Length, qs.Length);
            double meanAbs = fs.Zip(qs, (x, y) => Math.Abs(x - y)).Average();
            double maxAbs = fs.Zip(qs, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(meanAbs < 0.01 && maxAbs < 0.1, $"scores differ by {meanAbs:0.0000} on average, {maxAbs:0.0000} at most");
            // boxes in input pixels: within a few pixels where the score matters
            float[] fb = f["boxes"], qb = q["boxes"];
            var boxDiffs = Enumerable.Range(0, fb.Length).Where(i => fs[i / 4 * 2] > 0.05 || fs[i / 4 * 2 + 1] > 0.05).Select(i => Math.Abs(fb[i] - qb[i])).ToList();
            if (boxDiffs.Count > 0) Assert.True(boxDiffs.Average() < 2.0, $"box corners differ by {boxDiffs.Average():0.00} px on average");
            Assert.True(Correlation(f["features"], q["features"]) > 0.99, "features keep their direction");

            var ops = OptimisedOperators(int8, dir);
            string all = string.Join(" ", ops.GroupBy(o => o).Select(o => $"{o.Key}x{o.Count()}"));
            Assert.True(ops.Contains("QLinearConv") && ops.Contains("QLinearAdd") && ops.Contains("QLinearMul") && ops.Contains("QLinearSigmoid"), all);
            // every convolution runs in integers but the RGB stem (3x3 over 3 channels: 27 products per output, below
            // OnnxQuantizer.MinConvProducts), which stays float
            Assert.True(ops.Count(o => o is "Conv" or "FusedConv") == 1, "only the stem stays float: " + all);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void SmallCnnFc_Int8_KeepsTheClassifiersAnswers_AndCountsTheSameCost()
    {
        torch.manual_seed(4);
        var model = new SmallCnn(3, width: 8, imageSize: 32, denseHidden: 32);
        RandomBatchNormStatistics(model);
        string dir = TestPaths.TempDir();
        try
        {
            string fp32 = Path.Combine(dir, "cls.onnx"), int8 = Path.Combine(dir, "cls.int8.onnx");
            var spec = new InferenceSpec { Task = "classify", ClassNames = ["x", "y", "z"], InputWidth = 32, InputHeight = 32, Resize = ResizeMode.Stretch, OutputLayout = OutputLayout.ClassifierLogits };
            OnnxExporter.Export(model, spec, fp32);
            var report = OnnxQuantizer.QuantizeInt8(fp32, int8, Scenes(40, 32, 5));
            Assert.Equal(5, report.FoldedActivations); // four ConvBnAct ReLUs and the hidden layer's (the float stem keeps its own)
            var test = Scenes(16, 32, 6);
            var f = Outputs(fp32, test)["logits"];
            var q = Outputs(int8, test)["logits"];
            double range = f.Max() - f.Min();
            double maxAbs = f.Zip(q, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(maxAbs < 0.05 * range, $"logits differ by {maxAbs:0.0000} (range {range:0.0000})");
            Assert.True(Correlation(f, q) > 0.99);
            var ops = OptimisedOperators(int8, dir);
            string all = string.Join(" ", ops.GroupBy(o => o).Select(o => $"{o.Key}x{o.Count()}"));
            Assert.True(ops.Contains("QGemm") && ops.Count(o => o == "QLinearConv") == 4 && !ops.Contains("Relu"), all);
            Assert.True(ops.Count(o => o is "Conv" or "FusedConv") == 1, "only the RGB stem (27 products per output) stays float: " + all);

            using var m = ModelOpener.Open(fp32);
            var input = new float[3 * 32 * 32];
            var a = GraphCostCounter.Count(fp32, input, [1, 3, 32, 32], m.InputName);
            var b = GraphCostCounter.Count(int8, input, [1, 3, 32, 32], m.InputName);
            // batch norm folds into each convolution as a bias of its output channels: conv weights + BN channels + linear layers
            long expectedParams = model.named_parameters().Where(p => !p.name.EndsWith("bn.bias", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
            Assert.False(a.Int8);
            Assert.True(b.Int8);
            Assert.Equal(a.Parameters, b.Parameters);
            Assert.Equal(a.Gflops, b.Gflops, 9);
            Assert.Equal(expectedParams, a.Parameters);
            Assert.True(a.Gflops > 0);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Quantize_WithoutCalibrationImages_IsRefusedAndWritesNothing()
    {
        torch.manual_seed(5);
        var model = new SmallCnn(2, width: 4, imageSize: 16);
        model.eval();
        string dir = TestPaths.TempDir();
        try
        {
            string fp32 = Path.Combine(dir, "m.onnx"), int8 = Path.Combine(dir, "m.int8.onnx");
            OnnxExporter.Export(model, new InferenceSpec { Task = "classify", ClassNames = ["p", "q"], InputWidth = 16, InputHeight = 16, OutputLayout = OutputLayout.ClassifierLogits }, fp32);
            var ex = Assert.Throws<SeerException>(() => OnnxQuantizer.QuantizeInt8(fp32, int8, []));
            Assert.Equal(ErrorCodes.InvalidInput, ex.Code);
            Assert.Contains("calibration images", ex.Message, StringComparison.Ordinal);
            Assert.Contains("m.onnx", ex.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(int8));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb + 1e-30);
    }
}
