using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Imaging.Preprocess;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Onnx;

namespace Seer.Inference.Tests;

/// <summary>
/// The predictor prepares a large JPEG exactly as training and evaluation do (Seer.Imaging's scaled decode, resize,
/// letterbox and ImageNet normalisation), so predictions at deployment equal predictions at validation.
/// </summary>
public sealed class PreprocessingParityTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 1200×800 photo-like JPEG: noise plus shapes, so interpolation differences would show.</summary>
    private static byte[] TexturedJpeg()
    {
        using var m = new Mat(800, 1200, MatType.CV_8UC3);
        Cv2.Randu(m, new Scalar(0, 0, 0), new Scalar(255, 255, 255));
        Cv2.GaussianBlur(m, m, new Size(5, 5), 0);
        Cv2.Circle(m, new Point(400, 300), 150, new Scalar(20, 200, 60), -1);
        Cv2.Rectangle(m, new Rect(700, 450, 300, 200), new Scalar(220, 30, 90), -1);
        return m.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 92));
    }

    private string Model(ResizeMode resize, int size)
    {
        var imageNet = Normalization.ImageNet;
        var spec = new InferenceSpec
        {
            Task = "classify", ClassNames = ["a", "b"], InputWidth = size, InputHeight = size, Resize = resize,
            Mean = imageNet.Mean.Select(v => v * 255f).ToArray(), Std = imageNet.Std.Select(v => v * 255f).ToArray(),
            PadValue = Letterbox.DefaultPad, OutputLayout = OutputLayout.ClassifierLogits,
        };
        var g = TestModels.ConstantOutputs(size, size, TensorLayout.Nchw, ("logits", [0f, 1f], [1, 2]));
        string path = Path.Combine(_dir, $"{resize}.onnx");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return path;
    }

    [Theory]
    [InlineData(ResizeMode.Letterbox)]
    [InlineData(ResizeMode.Stretch)]
    public void PreparedTensor_EqualsTrainingSidePreprocessing_ForALargeJpeg(ResizeMode resize)
    {
        const int size = 160;
        byte[] jpeg = TexturedJpeg();
        Assert.Equal(4, ScaledDecoder.ReductionFor(1200, 800, size, size)); // decoded at 300×200, then resized

        using var model = OnnxModel.Load(Model(resize, size));
        var batch = new Predictor(model).Prepare([new EncodedImage("photo.jpg", jpeg)]);

        // Training / evaluation: DetectionTrainer letterboxes, ClassificationTrainer resizes (stretch) to ImageSize.
        RgbImage decoded = ImageDecoder.DecodeRgb(jpeg, "photo.jpg", size, size, out int width, out int height);
        Assert.Equal((1200, 800), (width, height));
        Assert.Equal((300, 200), (decoded.Width, decoded.Height));
        RgbImage prepared;
        if (resize == ResizeMode.Letterbox)
        {
            (prepared, var transform) = Letterbox.Apply(decoded, size, width, height);
            Assert.Equal(transform.Scale, batch.Transforms[0].ScaleX, 9);
            Assert.Equal(transform.PadY, batch.Transforms[0].PadY);
            Assert.Equal(transform.PadX, batch.Transforms[0].PadX);
        }
        else
        {
            prepared = Resize.To(decoded, size, size);
        }
        var expected = new float[3 * size * size];
        Normalization.ImageNet.ToChw(prepared, expected);

        Assert.Equal(expected.Length, batch.Tensor.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - batch.Tensor[i]));
        Assert.True(worst < 1e-5f, $"largest difference {worst}");
    }

    [Fact]
    public void ReducedDecode_StaysAtLeastTheInputSize()
    {
        Assert.Equal(1, ScaledDecoder.ReductionFor(640, 480, 640, 640));
        Assert.Equal(2, ScaledDecoder.ReductionFor(1920, 1280, 640, 640));
        Assert.Equal(4, ScaledDecoder.ReductionFor(1920, 1280, 320, 240));
        Assert.Equal(8, ScaledDecoder.ReductionFor(4000, 3000, 320, 320));
        Assert.Equal(1, ScaledDecoder.ReductionFor(1920, 1280, 0, 0));
        Assert.True(ScaledDecoder.TryReadJpegSize(TexturedJpeg(), out int w, out int h));
        Assert.Equal((1200, 800), (w, h));
        Assert.False(ScaledDecoder.TryReadJpegSize(TestModels.Png(10, 10, new Scalar(1, 2, 3)), out _, out _));
    }
}
