using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Onnx;

namespace Seer.Inference.Tests;

/// <summary>Bad images, manifests that disagree with the graph, wrong input shapes and unknown models give clear errors.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static InferenceSpec ClassifierSpec(int size) => new()
    {
        Task = "classify", ClassNames = ["a", "b"], InputWidth = size, InputHeight = size, OutputLayout = OutputLayout.ClassifierLogits,
    };

    private Predictor Classifier()
    {
        var g = TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("logits", [0f, 1f], [1, 2]));
        string path = Path.Combine(_dir, "c.onnx");
        OnnxModelWriter.Write(g, path, ClassifierSpec(32).ToProperties());
        return new Predictor(OnnxModel.Load(path));
    }

    [Fact]
    public void EmptyImage_IsRejectedByName()
    {
        var ex = Assert.Throws<SeerException>(() => Classifier().Predict(new EncodedImage("empty.jpg", [])));
        Assert.Equal(ErrorCodes.InvalidInput, ex.Code);
        Assert.Contains("'empty.jpg' is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UndecodableImage_IsRejectedByName_AlsoInsideABatchAndAStream()
    {
        var predictor = Classifier();
        var good = new EncodedImage("good.png", TestModels.Png(10, 10, new Scalar(1, 2, 3)));
        var bad = new EncodedImage("notes.jpg", "this is not an image"u8.ToArray());
        var ex = Assert.Throws<SeerException>(() => predictor.Predict([good, bad]));
        Assert.Contains("'notes.jpg' cannot be decoded", ex.Message, StringComparison.Ordinal);
        var truncated = new EncodedImage("cut.jpg", TestModels.Jpeg(100, 100, new Scalar(5, 5, 5))[..20]);
        var ex2 = Assert.Throws<SeerException>(() => predictor.PredictStream([good, truncated]).ToList());
        Assert.Contains("'cut.jpg' cannot be decoded", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestWithAnotherInputSize_IsRejectedOnLoad()
    {
        var g = TestModels.ConstantOutputs(64, 64, TensorLayout.Nchw, ("logits", [0f, 1f], [1, 2]));
        string path = Path.Combine(_dir, "m.onnx");
        OnnxModelWriter.Write(g, path);
        string manifest = Path.Combine(_dir, "m.seer.json");
        File.WriteAllText(manifest, """{"task": "classify", "class_names": ["a", "b"], "input_width": 32, "input_height": 32, "output_layout": "classifier_logits"}""");
        var ex = Assert.Throws<SeerException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.InvalidInput, ex.Code);
        Assert.Contains("NCHW input [N,3,32,32] but the graph's input 'images' is [?,3,64,64]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(manifest, ex.Path);
    }

    [Fact]
    public void ManifestWithWrongClassCountOrOutputName_IsRejectedOnLoad()
    {
        var g = TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("output0", new float[7 * 10], [1, 10, 7]));
        string path = Path.Combine(_dir, "d.onnx");
        OnnxModelWriter.Write(g, path);
        string manifest = Path.Combine(_dir, "d.json");
        File.WriteAllText(manifest, """{"class_names": ["a", "b", "c"], "input_width": 32, "input_height": 32, "output_layout": "yolov5"}""");
        var ex = Assert.Throws<SeerException>(() => OnnxModel.Load(path, manifest));
        Assert.Contains("yolov5 with 3 classes needs [N, boxes, 4+1+classes] = 8 at axis 2", ex.Message, StringComparison.Ordinal);

        File.WriteAllText(manifest, """{"class_names": ["a", "b"], "input_width": 32, "input_height": 32, "output_layout": "boxes_scores", "output_names": ["boxes", "scores"]}""");
        var ex2 = Assert.Throws<SeerException>(() => OnnxModel.Load(path, manifest));
        Assert.Contains("output 'boxes' is not in the graph (outputs: output0)", ex2.Message, StringComparison.Ordinal);

        File.WriteAllText(manifest, """{"class_names": ["a"], "input_width": 32, "input_height": 32, "output_layout": "yolov9"}""");
        var ex3 = Assert.Throws<SeerException>(() => OnnxModel.Load(path, manifest));
        Assert.Contains("'output_layout' must be one of", ex3.Message, StringComparison.Ordinal);

        File.WriteAllText(manifest, """{"class_names": ["a"], "input_width": 32, "input_height": 32, "output_layout": "yolov5", "colour": "rgb"}""");
        var ex4 = Assert.Throws<SeerException>(() => OnnxModel.Load(path, manifest));
        Assert.Contains("unknown key 'colour'", ex4.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalModelWithoutManifest_AsksForOne()
    {
        var g = TestModels.ConstantOutputs(32, 32, TensorLayout.Nchw, ("logits", [0f, 1f], [1, 2]));
        string path = Path.Combine(_dir, "plain.onnx");
        OnnxModelWriter.Write(g, path);
        var ex = Assert.Throws<SeerException>(() => OnnxModel.Load(path));
        Assert.Contains("carries no Seer metadata; describe it with a manifest ('plain.seer.json' beside it", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongInputShapeForTheWeights_GivesAClearRunError()
    {
        // Dynamic H and W in the graph, but the Linear layer only fits 4x4 inputs; the manifest says 8x8.
        var g = new OnnxGraphBuilder();
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, null, null]);
        string w = g.AddInitializer("fc.weight", new float[2 * 48], 2, 48);
        string y = g.Linear(g.Flatten(x), w, null);
        g.AddOutput(y, "logits", OnnxElementType.Float, [null, 2]);
        string path = Path.Combine(_dir, "shape.onnx");
        OnnxModelWriter.Write(g, path, ClassifierSpec(8).ToProperties());
        using var model = OnnxModel.Load(path);
        var ex = Assert.Throws<SeerException>(() => new Predictor(model).Predict(new EncodedImage("a.png", TestModels.Png(8, 8, new Scalar(1, 1, 1)))));
        Assert.Contains("failed on input [1,3,8,8]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownModelIdOrMissingFile_IsNotFound()
    {
        var ex = Assert.Throws<SeerException>(() => ModelOpener.Open("m-42", resolveRegistryId: _ => null));
        Assert.Equal(ErrorCodes.NotFound, ex.Code);
        Assert.Contains("model 'm-42' is neither an .onnx file nor a model id in the registry", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<SeerException>(() => ModelOpener.Open(Path.Combine(_dir, "missing.onnx")));
        Assert.Equal(ErrorCodes.NotFound, ex2.Code);
        var garbage = Path.Combine(_dir, "garbage.onnx");
        File.WriteAllText(garbage, "not a protobuf");
        var ex3 = Assert.Throws<SeerException>(() => ModelOpener.Open(garbage));
        Assert.Contains("is not a loadable ONNX model", ex3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidOptions_NameTheSetting()
    {
        var ex = Assert.Throws<SeerException>(() => new Predictor(Classifier().Model, new PredictorOptions { ScoreThreshold = 2 }));
        Assert.Equal(ErrorCodes.InvalidOptions, ex.Code);
        Assert.Contains("ScoreThreshold must be in [0, 1] (was 2)", ex.Message, StringComparison.Ordinal);
    }
}
