using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Imaging.Preprocess;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Onnx;
using Seer.Training.Options;
using Seer.Training.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Inference.Tests;

/// <summary>
/// The ImageNet ResNet-18 (scripts/fetch-data.sh pretrained) imported into Seer's network by graph structure gives
/// ONNX Runtime's 512 features; pretrained architectures export to ONNX and answer as TorchSharp does.
/// </summary>
[Collection("TorchSharp")]
public sealed class PretrainedImportTests
{
    private static string ResNetOnnx => TestPaths.Data("pretrained", "ResNet18.onnx");

    /// <summary>A real photo resized to size x size, as RGB bytes (HWC).</summary>
    private static byte[] PhotoRgb(int size)
    {
        using var bgr = Cv2.ImRead(TestPaths.Data("faces", "sample2.jpg"), ImreadModes.Color);
        using var small = bgr.Resize(new OpenCvSharp.Size(size, size), 0, 0, InterpolationFlags.Area);
        using var rgb = small.CvtColor(ColorConversionCodes.BGR2RGB);
        var bytes = new byte[size * size * 3];
        System.Runtime.InteropServices.Marshal.Copy(rgb.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    [Fact]
    public void ImportedImageNetResNet18_GivesOnnxRuntimesFeaturesWithin1e4()
    {
        const int size = 224;
        byte[] rgb = PhotoRgb(size);
        // ONNX Runtime on the original file: BGR 0..255 minus the per-channel means
        var bgr = new float[3 * size * size];
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < size * size; p++)
                bgr[c * size * size + p] = rgb[p * 3 + (2 - c)] - CaffeBgrInput.MeanBgr[c];
        float[] expected;
        using (var session = new InferenceSession(ResNetOnnx))
        {
            using var x = OrtValue.CreateTensorValueFromMemory(bgr, [1, 3, size, size]);
            using var run = new RunOptions();
            using var outs = session.Run(run, ["Input247"], [x], ["Pooling395_Output_0"]);
            expected = outs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        Assert.Equal(512, expected.Length);

        // Seer: the ImageNet layout ([2,2,2,3], Caffe BGR input) with the imported weights, fed Seer's own normalisation
        using var model = new ResNet18(0, 64, size, ResNetLayout.ImageNetOnnx);
        var result = OnnxWeightImport.Import(ResNetOnnx, model);
        Assert.Equal(22, result.Convs);
        Assert.Equal(22, result.BatchNorms);
        using (no_grad())
        {
            var state = model.state_dict();
            foreach (var (name, t) in result.Tensors) state[name].copy_(t);
        }
        Assert.Equal(model.state_dict().Count(kv => !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)), result.Tensors.Count);
        model.eval();
        var image = new RgbImage(size, size, rgb);
        var input = new float[3 * size * size];
        Normalization.ImageNet.ToChw(image, input);
        float[] actual;
        using (no_grad()) actual = model.features(tensor(input, [1, 3, size, size])).data<float>().ToArray();
        Assert.Equal(512, actual.Length);
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst < 1e-4, $"largest difference {worst} (features up to {expected.Max()})");
        Assert.True(expected.Max() > 0.5, "features of a real photo are not all near zero");
    }

    [Fact]
    public void CaffeMeans_AreThePerChannelAveragesOfResNetPreprocess()
    {
        var prep = OnnxModelReader.Read(TestPaths.Data("pretrained", "ResNetPreprocess.onnx"));
        var mean = prep.Initializers.Values.Single(t => t.Dims.Length == 4);
        int plane = (int)(mean.Dims[2] * mean.Dims[3]);
        for (int c = 0; c < 3; c++)
            Assert.Equal(mean.Values.Skip(c * plane).Take(plane).Average(v => (double)v), CaffeBgrInput.MeanBgr[c], 3);
        Assert.Equal(["Split", "Concat", "Sub"], prep.Nodes.Select(n => n.OpType)); // RGB → BGR, minus the mean, no division
    }

    [Fact]
    public void ImportOntoANetworkOfAnotherStructure_FailsNamingTheLayer()
    {
        using var model = new FcosLite(2, 32);
        var ex = Assert.Throws<SeerException>(() => OnnxWeightImport.Import(ResNetOnnx, model));
        Assert.Contains("Seer layer 'stem'", ex.Message);
        Assert.Contains("Convolution249", ex.Message);
        using var standard = new ResNet18(0, 64, 224); // [2,2,2,2]: the graph has a third block in stage 4
        var ex2 = Assert.Throws<SeerException>(() => OnnxWeightImport.Import(ResNetOnnx, standard));
        Assert.Contains("does not have", ex2.Message);
    }

    private static void RandomiseBatchNorm(nn.Module model)
    {
        using (no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(randn(t.shape) * 0.1);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(rand(t.shape) + 0.5);
                if (name.EndsWith("bn.weight", StringComparison.Ordinal)) t.copy_(rand(t.shape) + 0.5);
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

    [Theory]
    [InlineData("resnet18", "classify")]
    [InlineData("fcos-resnet18", "detect")]
    public void PretrainedArchitectures_ExportToOnnxAndAnswerAsTorchSharp(string arch, string task)
    {
        manual_seed(3);
        const int size = 64;
        var options = TrainingOptionsLoader.WithTaskDefaults(new TrainingOptions
        {
            Task = task, Architecture = arch, ImageSize = size, Pretrained = "imagenet", Width = arch == "resnet18" ? 64 : 16, HeadConvs = 2,
        });
        using var model = ArchitectureRegistry.Create(arch, 3, options);
        RandomiseBatchNorm(model);
        var input = randn(2, 3, size, size);
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "m.onnx");
            OnnxExporter.Export(model, new InferenceSpec { Task = task, ClassNames = ["a", "b", "c"], InputWidth = size, InputHeight = size }, path);
            float[] x = input.data<float>().ToArray();
            if (task == "classify")
            {
                float[] expected;
                using (no_grad()) expected = model.forward(input).data<float>().ToArray();
                float[] actual = Run(path, x, [2, 3, size, size], "logits")[0];
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{i}: {expected[i]} vs {actual[i]}");
            }
            else
            {
                float[] raw;
                using (no_grad()) raw = model.forward(input).data<float>().ToArray();
                var outs = Run(path, x, [2, 3, size, size], "scores", FeaturesName);
                var grid = new Seer.Training.Data.FcosTargets(size);
                int width = 5 + 3;
                Assert.Equal(2 * grid.Locations * 3, outs[0].Length);
                for (int a = 0; a < 2 * grid.Locations; a++)
                    for (int c = 0; c < 3; c++)
                    {
                        float score = MathF.Sqrt(Sigmoid(raw[a * width + 5 + c]) * Sigmoid(raw[a * width + 4]));
                        Assert.True(Math.Abs(score - outs[0][a * 3 + c]) < 1e-4, $"score {a},{c}: {score} vs {outs[0][a * 3 + c]}");
                    }
                Assert.Equal(2 * 512, outs[1].Length);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    private const string FeaturesName = OnnxExporter.FeaturesName;

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}
