using OpenCvSharp;
using CvScalar = OpenCvSharp.Scalar;
using Seer.Core.Datasets;
using Seer.Core.Inference;
using Seer.Data;
using Seer.Search;
using Seer.Training.Onnx;

namespace Seer.Tests.BadInput;

/// <summary>
/// Built once for the bad-input suite: a seeded workspace (dataset "base" with two images, feature group "g" with
/// three vectors) that every case copies, and a tiny ONNX classifier (mean colour → 3 logits) for predict and mine.
/// </summary>
public sealed class BadInputFixture : IDisposable
{
    public BadInputFixture()
    {
        Directory.CreateDirectory(Root);
        using (var ws = Workspace.Open(Template))
        {
            var images = new List<ImageRecord>();
            foreach (var (name, tag, shade) in new[] { ("a/1.png", "a", 30), ("b/2.png", "b", 200) })
            {
                var put = ws.Blobs.PutAsync(new MemoryStream(CaseDir.PngBytes(16, 16, shade)), CancellationToken.None).GetAwaiter().GetResult();
                images.Add(new ImageRecord(put.Sha256, name, 16, 16) { IsLabelled = true, Tags = [tag] });
            }
            BaseVersion = ws.CommitVersion("base", images, [], "import", null).Version.Version;
        }
        using (var group = new SearchWorkspace(Template).Create("g", new FeatureGroupOptions { Dimension = 4, Metric = DistanceMetric.Cosine }))
            group.AddRows(["x", "y", "z"], new float[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 });

        var g = new OnnxGraphBuilder("meancolour");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 16, 16]);
        string logits = g.Reshape(g.GlobalAveragePool(x), -1, 3);
        g.AddOutput(logits, "logits", OnnxElementType.Float, [null, 3]);
        OnnxModelWriter.Write(g, Model, new InferenceSpec
        {
            Task = "classify", ClassNames = ["r", "g", "b"], InputWidth = 16, InputHeight = 16,
            OutputLayout = OutputLayout.ClassifierLogits, Resize = ResizeMode.Stretch,
        }.ToProperties());
        using var m = new Mat(16, 16, MatType.CV_8UC3, new CvScalar(10, 20, 200));
        Cv2.ImWrite(GoodImage, m);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "seer-badinput-" + Guid.NewGuid().ToString("N"));

    /// <summary>The seeded workspace each case copies.</summary>
    public string Template => Path.Combine(Root, "template");

    public string BaseVersion { get; }

    /// <summary>A classifier ONNX file with its spec in the metadata.</summary>
    public string Model => Path.Combine(Root, "meancolour.onnx");

    public string GoodImage => Path.Combine(Root, "good.png");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
