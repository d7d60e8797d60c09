using Microsoft.ML.OnnxRuntime;
using Seer.Core.Inference;
using Seer.Training.Models;
using Seer.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Inference.Tests;

/// <summary>An exported Seer classifier gives TorchSharp's outputs in ONNX Runtime within 1e-4.</summary>
[Collection("TorchSharp")]
public sealed class ExportTests
{
    [Theory]
    [InlineData(0, 32)]  // small-cnn: pooling head
    [InlineData(24, 28)] // small-cnn-fc: flattened 7x7 map, hidden layer (dropout is identity in eval)
    public void SmallCnn_ExportedOutputsEqualTorchSharpWithin1e4(int denseHidden, int size)
    {
        torch.manual_seed(3);
        var model = new SmallCnn(classes: 3, width: 8, imageSize: size, denseHidden: denseHidden);
        using (torch.no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
            }
        }
        model.eval();
        var input = torch.randn(2, 3, size, size);
        float[] expected = model.forward(input).data<float>().ToArray();

        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "small.onnx");
            var spec = new InferenceSpec { Task = "classify", ClassNames = ["a", "b", "c"], InputWidth = size, InputHeight = size, OutputLayout = OutputLayout.ClassifierLogits };
            OnnxExporter.Export(model, spec, path);
            using var session = new InferenceSession(path);
            float[] data = input.data<float>().ToArray();
            using var x = OrtValue.CreateTensorValueFromMemory(data, [2, 3, size, size]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["images"], [x], ["logits"]);
            float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{i}: {expected[i]} vs {actual[i]}");
            Assert.Equal("a", InferenceSpec.FromProperties(session.ModelMetadata.CustomMetadataMap, "t").ClassNames[0]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
