using Microsoft.ML.OnnxRuntime;
using Seer.ActiveLearning.PoolModels;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Mining.Pool;
using Seer.Training.Models;
using Seer.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Inference.Tests;

/// <summary>
/// Every export carries the network's own feature vector as output <c>features</c>: it equals
/// <see cref="IFeatureModel.features"/> in TorchSharp, the spec names it, a predictor reads it only on request, and the
/// mining pool model hands it to diversity in place of the class-score stand-in.
/// </summary>
[Collection("TorchSharp")]
public sealed class ExportFeaturesTests
{
    public static TheoryData<string> Architectures => ["small-cnn", "small-cnn-fc", "resnet18", "fcos-lite"];

    private static (nn.Module<Tensor, Tensor> Model, int Size, string[] Classes) Build(string architecture)
    {
        torch.manual_seed(17);
        nn.Module<Tensor, Tensor> model = architecture switch
        {
            "small-cnn" => new SmallCnn(3, width: 8, imageSize: 32),
            "small-cnn-fc" => new SmallCnn(3, width: 8, imageSize: 28, denseHidden: 24),
            "resnet18" => new ResNet18(3, width: 4, imageSize: 32),
            _ => new FcosLite(3, width: 8),
        };
        using (torch.no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(torch.randn(t.shape) * 0.1);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(torch.rand(t.shape) + 0.5);
            }
        }
        model.eval();
        return (model, architecture switch { "small-cnn-fc" => 28, "fcos-lite" => 64, _ => 32 }, ["a", "b", "c"]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ExportedFeaturesEqualTorchSharpWithin1e4(string architecture)
    {
        var (model, size, classes) = Build(architecture);
        var input = torch.randn(2, 3, size, size);
        using var expectedTensor = ((IFeatureModel)model).features(input);
        float[] expected = expectedTensor.data<float>().ToArray();
        int dims = (int)expectedTensor.shape[1];
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "m.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = classes, InputWidth = size, InputHeight = size }, path);
            using var session = new InferenceSession(path);
            Assert.Equal([-1, dims], session.OutputMetadata["features"].Dimensions);
            using var x = OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), [2, 3, size, size]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["images"], [x], ["features"]);
            float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(2 * dims, actual.Length);
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{architecture} {i}: {expected[i]} vs {actual[i]}");
            Assert.Equal("features", InferenceSpec.FromProperties(session.ModelMetadata.CustomMetadataMap, path).FeaturesOutput);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("small-cnn-fc")]
    [InlineData("fcos-lite")]
    public void PredictorReadsFeaturesOnlyWhenAskedAndMiningUsesThem(string architecture)
    {
        var (model, size, classes) = Build(architecture);
        using var expectedTensor = ((IFeatureModel)model).features(torch.zeros(1, 3, size, size));
        int dims = (int)expectedTensor.shape[1];
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "m.onnx");
            OnnxExporter.Export(model, new InferenceSpec { ClassNames = classes, InputWidth = size, InputHeight = size }, path);
            byte[] png = TestModels.Png(size, size, new OpenCvSharp.Scalar(40, 120, 200));
            var image = new EncodedImage("img.png", png);
            using var opened = ModelOpener.Open(path);

            var plain = new Predictor(opened, new PredictorOptions { ScoreThreshold = 0.01f });
            Assert.False(plain.ReadsFeatures);
            Assert.Null(plain.Predict(image).Embedding);

            var withFeatures = new Predictor(opened, new PredictorOptions { ScoreThreshold = 0.01f, Features = true });
            Assert.True(withFeatures.ReadsFeatures);
            var prediction = withFeatures.Predict([image, image])[1];
            Assert.Equal(dims, prediction.Embedding!.Length);
            // the features are the network's on the preprocessed image, not a copy of its class scores
            var batch = withFeatures.Prepare([image]);
            float[] expected = ((IFeatureModel)model).features(torch.tensor(batch.Tensor, batch.Shape)).data<float>().ToArray();
            for (int i = 0; i < dims; i++) Assert.True(Math.Abs(expected[i] - prediction.Embedding[i]) < 1e-4, $"{i}: {expected[i]} vs {prediction.Embedding[i]}");

            var output = OnnxPoolModel.ForMining(opened, 0.01f).Predict([new PoolImage("img.png", png)], CancellationToken.None)[0];
            Assert.Equal(dims, output.Features!.Length);
            Assert.NotEqual(classes.Length, output.Features.Length);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Spec_FeaturesOutputRoundTripsAndIsChecked()
    {
        var spec = new InferenceSpec
        {
            Task = "classify", ClassNames = ["a"], InputWidth = 8, InputHeight = 8, OutputLayout = OutputLayout.ClassifierLogits,
            OutputNames = ["logits"], FeaturesOutput = "features",
        };
        Assert.Equal("features", InferenceSpec.FromProperties(spec.ToProperties(), "t").FeaturesOutput);
        Assert.Null(InferenceSpec.FromProperties((spec with { FeaturesOutput = null }).ToProperties(), "t").FeaturesOutput);
        var clash = Assert.Throws<Seer.Core.Errors.SeerException>(() => (spec with { FeaturesOutput = "logits" }).Validate("m.onnx"));
        Assert.Contains("features_output 'logits' must not be one of output_names", clash.Message);
        var unnamed = Assert.Throws<Seer.Core.Errors.SeerException>(() => (spec with { OutputNames = [] }).Validate("m.onnx"));
        Assert.Contains("features_output needs output_names", unnamed.Message);
    }
}
