using Microsoft.ML.OnnxRuntime;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Data;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Inference.Tests;

/// <summary>Exported ResNet18 and FcosLite answer as TorchSharp does (eval-mode BN with non-trivial running stats).</summary>
[Collection("TorchSharp")]
public sealed class ExportArchitectureTests
{
    private static void RandomiseBatchNorm(nn.Module model)
    {
        using (torch.no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
                if (name.EndsWith("bn.weight", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
                if (name.EndsWith("bn.bias", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
            }
        }
        model.eval();
    }

    private static float[][] Run(string path, float[] input, long[] shape, params string[] outputs)
    {
        using var session = new InferenceSession(path);
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        using var values = session.Run(run, ["images"], [x], outputs);
        return values.Select(v => v.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    [Fact]
    public void ResNet18_ExportedLogitsEqualTorchSharpWithin1e4()
    {
        torch.manual_seed(5);
        foreach (int size in new[] { 32, 96 }) // CIFAR stem and the 7x7 + max-pool stem
        {
            var model = new ResNet18(classes: 4, width: 4, imageSize: size);
            RandomiseBatchNorm(model);
            var input = torch.randn(2, 3, size, size);
            float[] expected = model.forward(input).data<float>().ToArray();
            string dir = TestPaths.TempDir();
            try
            {
                string path = Path.Combine(dir, "resnet.onnx");
                OnnxExporter.Export(model, new InferenceSpec { Task = "classify", ClassNames = ["a", "b", "c", "d"], InputWidth = size, InputHeight = size }, path);
                float[] actual = Run(path, input.data<float>().ToArray(), [2, 3, size, size], "logits")[0];
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{size} {i}: {expected[i]} vs {actual[i]}");
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void FcosLite_ExportedBoxesAndScoresEqualTorchSharpDecodeWithin1e4(int headConvs)
    {
        torch.manual_seed(7);
        const int size = 64, classes = 2;
        var model = new FcosLite(classes, width: 8, headConvs);
        // every tower layer is a registered child (state dict, exporter, optimizer see it)
        Assert.Equal(headConvs, model.named_children().Count(c => c.name.StartsWith("cls_tower", StringComparison.Ordinal)));
        RandomiseBatchNorm(model);
        var input = torch.randn(1, 3, size, size);
        float[] raw = model.forward(input).data<float>().ToArray();
        var grid = new FcosTargets(size);
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "fcos.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = ["a", "b"], InputWidth = size, InputHeight = size }, path);
            var outs = Run(path, input.data<float>().ToArray(), [1, 3, size, size], "boxes", "scores");
            Assert.Equal(grid.Locations * 4, outs[0].Length);
            Assert.Equal(grid.Locations * classes, outs[1].Length);
            int width = 5 + classes;
            for (int a = 0; a < grid.Locations; a++)
            {
                var row = raw.AsSpan(a * width, width);
                float s = grid.Stride[a];
                float[] box = [grid.X[a] - Dist(row[0], s), grid.Y[a] - Dist(row[1], s), grid.X[a] + Dist(row[2], s), grid.Y[a] + Dist(row[3], s)];
                for (int k = 0; k < 4; k++) Assert.True(Math.Abs(box[k] - outs[0][a * 4 + k]) < 1e-4 * Math.Max(1, Math.Abs(box[k])), $"box {a},{k}: {box[k]} vs {outs[0][a * 4 + k]}");
                for (int c = 0; c < classes; c++)
                {
                    float score = MathF.Sqrt(Sigmoid(row[5 + c]) * Sigmoid(row[4]));
                    Assert.True(Math.Abs(score - outs[1][a * classes + c]) < 1e-4, $"score {a},{c}: {score} vs {outs[1][a * classes + c]}");
                }
            }
            var spec = InferenceSpec.FromProperties(LoadMeta(path), "fcos");
            Assert.Equal(OutputLayout.BoxesScores, spec.OutputLayout);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FcosLite_PredictorFindsTheSameDetectionsAsFcosDecoder()
    {
        torch.manual_seed(11);
        const int size = 64;
        var model = new FcosLite(1, width: 8);
        RandomiseBatchNorm(model);
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "fcos.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = ["thing"], InputWidth = size, InputHeight = size }, path);
            var predictor = new Predictor(ModelOpener.Open(path), new PredictorOptions { ScoreThreshold = 0.05f, IouThreshold = 0.5f, MaxDetections = 100 });
            var image = new EncodedImage("img.png", TestModels.Png(size, size, new OpenCvSharp.Scalar(30, 90, 200)));
            var batch = predictor.Prepare([image]);
            float[] raw = model.forward(torch.tensor(batch.Tensor, batch.Shape)).data<float>().ToArray();
            var expected = FcosDecoder.Decode(raw, 1, new FcosTargets(size), 0.05, 0.5)
                .OrderByDescending(d => d.Score).ToList();
            var actual = predictor.Predict(image).Detections.OrderByDescending(d => d.Score).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Class, actual[i].ClassId);
                Assert.True(Math.Abs(expected[i].Score - actual[i].Score) < 1e-4, $"{i}: {expected[i].Score} vs {actual[i].Score}");
                var e = expected[i].Box;
                var a = actual[i].Box;
                Assert.True(Math.Abs(Math.Clamp(e.X1, 0, size) - a.X1) < 1e-2 && Math.Abs(Math.Clamp(e.Y2, 0, size) - a.Y2) < 1e-2, $"{i}: {e} vs {a}");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    private static Dictionary<string, string> LoadMeta(string path)
    {
        using var session = new InferenceSession(path);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }

    private static float Dist(float raw, float stride) => MathF.Exp(Math.Clamp(raw, -8f, 8f)) * stride;

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
