using Seer.Inference.Models;
using Seer.Inference.Processing;

namespace Seer.Inference.Tests;

/// <summary>
/// A real external ONNX model, the Ultra-Light RFB-320 face detector (scripts/fetch-data.sh faces), described by a
/// manifest, finds the faces of the group photos of face-api's demo (3/3/3/4/5/4 faces).
/// </summary>
public sealed class FaceDetectorTests
{
    public const string Manifest = """
        {
          "task": "detect",
          "class_names": ["face"],
          "input_width": 320, "input_height": 240, "input_layout": "nchw", "channel_order": "rgb",
          "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
          "output_layout": "boxes_scores", "output_names": ["boxes", "scores"],
          "box_format": "xyxy", "boxes_normalized": true, "background_column": 0
        }
        """;

    public static string WriteManifest(string dir)
    {
        string path = Path.Combine(dir, "fr_detect.seer.json");
        File.WriteAllText(path, Manifest);
        return path;
    }

    [Fact]
    public void FaceDetector_FindsTheFacesInTheGroupPhotos()
    {
        string dir = TestPaths.TempDir();
        try
        {
            using var model = OnnxModel.Load(TestPaths.Data("faces", "fr_detect.onnx"), WriteManifest(dir));
            var predictor = new Predictor(model, new PredictorOptions { ScoreThreshold = 0.7f, IouThreshold = 0.3f });
            int[] expected = [3, 3, 3, 4, 5, 4];
            var images = Enumerable.Range(1, 6).Select(i => EncodedImage.FromFile(TestPaths.Data("faces", $"sample{i}.jpg"))).ToList();
            var results = predictor.PredictStream(images).ToList();
            var counts = results.Select(r => r.Detections.Count).ToArray();
            Assert.Equal(expected, counts);
            foreach (var r in results)
            {
                Assert.All(r.Detections, d =>
                {
                    Assert.Equal("face", d.Label);
                    Assert.InRange(d.Score, 0.7f, 1f);
                    Assert.True(d.Box.IsInside(r.Width, r.Height));
                    Assert.InRange(d.Box.Width, 20, r.Width / 2.0); // faces, not the whole photo
                });
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
