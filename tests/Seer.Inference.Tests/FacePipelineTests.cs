using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Inference.Faces;
using Seer.Inference.Processing;

namespace Seer.Inference.Tests;

/// <summary>
/// The face pipeline with real models (scripts/fetch-data.sh faces): faceplugin's Ultra-Light detector, 68-point
/// landmark and 512-d embedding models, and MediaPipe's BlazeFace, on the group photos of face-api's demo
/// (3/3/3/4/5/4 faces, no identity shared across photos).
/// </summary>
public sealed class FacePipelineTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Detector + landmarks + embedding (the full faceplugin bundle).</summary>
    public static string WriteFullBundle(string dir)
    {
        string path = Path.Combine(dir, "faces.face.json");
        File.WriteAllText(path, $$"""
            { "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detector_format": "ultraface",
              "landmarks": "{{TestPaths.Data("faces", "fr_landmark.onnx")}}", "embedding": "{{TestPaths.Data("faces", "fr_feature.onnx")}}",
              "score_threshold": 0.7, "iou_threshold": 0.3 }
            """);
        return path;
    }

    private string WriteBlazeBundle()
    {
        string path = Path.Combine(_dir, "blaze.face.json");
        File.WriteAllText(path, $$"""{ "kind": "face", "detector": "{{TestPaths.Data("faces", "blazeface_front_128.onnx")}}", "detector_format": "blazeface" }""");
        return path;
    }

    private static Mat Photo(int i) => Cv2.ImRead(TestPaths.Data("faces", $"sample{i}.jpg"), ImreadModes.Color);

    private static double Distance(FacePoint a, FacePoint b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    [Fact]
    public void Faces_AreFoundWithLandmarksAlignedCropsAndUnitEmbeddings()
    {
        using var pipeline = FacePipeline.Open(WriteFullBundle(_dir));
        Assert.Equal(512, pipeline.EmbeddingDimension);
        int[] expected = [3, 3, 3, 4, 5, 4];
        var qualities = new List<double>();
        for (int i = 1; i <= 6; i++)
        {
            var faces = pipeline.Detect(EncodedImage.FromFile(TestPaths.Data("faces", $"sample{i}.jpg")), new FaceOptions { IncludeAligned = true });
            Assert.Equal(expected[i - 1], faces.Count);
            foreach (var f in faces)
            {
                Assert.Equal(68, f.Landmarks68!.Count);
                var (le, re, nose, ml, mr) = (f.Landmarks[0], f.Landmarks[1], f.Landmarks[2], f.Landmarks[3], f.Landmarks[4]);
                double pad = 0.1 * f.Box.Width;
                Assert.All(f.Landmarks, p => Assert.True(p.X > f.Box.X1 - pad && p.X < f.Box.X2 + pad && p.Y > f.Box.Y1 - pad && p.Y < f.Box.Y2 + pad,
                    $"sample{i}: point {p} outside face box {f.Box}"));
                // A face's geometry in the frame of its eye line (faces are tilted): the nose below the eyes, the mouth
                // corners below the nose and in the eyes' left/right order.
                double ux = (re.X - le.X) / Distance(le, re), uy = (re.Y - le.Y) / Distance(le, re);
                double Down(FacePoint q) => -(q.X - le.X) * uy + (q.Y - le.Y) * ux;
                double Along(FacePoint q) => (q.X - le.X) * ux + (q.Y - le.Y) * uy;
                Assert.True(le.X < re.X, $"sample{i} {f.Box}: eyes out of order");
                Assert.True(0 < Down(nose) && Down(nose) < Math.Min(Down(ml), Down(mr)), $"sample{i} {f.Box}: eyes/nose/mouth out of order");
                Assert.True(Along(ml) < Along(mr), $"sample{i} {f.Box}: mouth corners out of order");
                // The similarity maps the five points close to the template (residual a few pixels of 112).
                var residual = f.Landmarks.Select((p, k) => Distance(FaceAlignment.Apply(f.Alignment, p), FaceAlignment.Template[k])).Max();
                Assert.InRange(residual, 0, 12);
                Assert.Equal(1.0, Math.Sqrt(f.Embedding!.Sum(x => (double)x * x)), 4);
                using var aligned = Cv2.ImDecode(f.AlignedJpeg!, ImreadModes.Color);
                Assert.Equal((112, 112), (aligned.Width, aligned.Height));
                Assert.InRange(f.Quality.Score, 0, 1);
                qualities.Add(f.Quality.Score);
            }
        }
        // Frontal, sharp, well-lit faces of 150-200 px score mid-range; the profile face scores near 0.
        Assert.InRange(qualities.Order().ElementAt(qualities.Count / 2), 0.2, 0.9);
    }

    [Fact]
    public void Landmarks_LandOnEyesNoseAndMouth_AsBlazeFaceSeesThemIndependently()
    {
        // Two unrelated models must agree where the eyes, nose and mouth are: the 68-point landmark model on the
        // Ultra-Light boxes, and BlazeFace's own keypoints on a close-up crop around each face.
        using var full = FacePipeline.Open(WriteFullBundle(_dir));
        using var blaze = FacePipeline.Open(WriteBlazeBundle());
        int faces = 0, agreed = 0;
        var worst = new List<string>();
        var offsets = new List<double>();
        for (int i = 1; i <= 6; i++)
        {
            using var photo = Photo(i);
            foreach (var f in full.Detect(photo, $"sample{i}", new FaceOptions { IncludeEmbedding = false }))
            {
                faces++;
                double side = 2.0 * Math.Max(f.Box.Width, f.Box.Height);
                var rect = ToRect(new BoxXyxy(f.Box.CenterX - side / 2, f.Box.CenterY - side / 2, f.Box.CenterX + side / 2, f.Box.CenterY + side / 2), photo);
                using var crop = new Mat(photo, rect);
                var seen = blaze.Detect(crop, "crop", new FaceOptions { ScoreThreshold = 0.5f });
                if (seen.Count == 0) { worst.Add($"sample{i} {f.Box}: BlazeFace found no face"); continue; }
                var b = seen.OrderBy(x => Math.Abs(x.Box.CenterX - rect.Width / 2.0) + Math.Abs(x.Box.CenterY - rect.Height / 2.0)).First();
                FacePoint Shift(FacePoint p) => new(p.X + rect.X, p.Y + rect.Y);
                double iod = Distance(f.Landmarks[0], f.Landmarks[1]);
                var mouth = new FacePoint((f.Landmarks[3].X + f.Landmarks[4].X) / 2, (f.Landmarks[3].Y + f.Landmarks[4].Y) / 2);
                var bMouth = new FacePoint((b.Landmarks[3].X + b.Landmarks[4].X) / 2, (b.Landmarks[3].Y + b.Landmarks[4].Y) / 2);
                double[] d =
                [
                    Distance(f.Landmarks[0], Shift(b.Landmarks[0])), Distance(f.Landmarks[1], Shift(b.Landmarks[1])),
                    Distance(f.Landmarks[2], Shift(b.Landmarks[2])), Distance(mouth, Shift(bMouth)),
                ];
                double rel = d.Average() / iod;
                offsets.Add(rel);
                if (rel <= 0.3) agreed++;
                else worst.Add($"sample{i} {f.Box}: {rel:F2} of the eye distance");
            }
        }
        Assert.Equal(22, faces);
        // Measured: 21 of 22 agree within 0.3 of the eye distance (mean over eyes, nose, mouth), median 0.09; the one
        // that does not is a face in profile (sample2, BlazeFace puts both eyes 15 px apart).
        Assert.True(agreed >= 21, $"{agreed}/{faces} faces agree; {string.Join("; ", worst)}");
        Assert.InRange(offsets.Order().ElementAt(offsets.Count / 2), 0, 0.15);
    }

    [Fact]
    public void AlteredCopyOfAFace_IsFoundFirstAmongAllFaces_ByOneToNSearch()
    {
        using var pipeline = FacePipeline.Open(WriteFullBundle(_dir));
        var gallery = new List<(string Name, BoxXyxy Box, float[] Vector)>();
        for (int i = 1; i <= 6; i++)
        {
            using var photo = Photo(i);
            gallery.AddRange(pipeline.Detect(photo, $"sample{i}").Select((f, k) => ($"sample{i}#{k}", f.Box, f.Embedding!)));
        }
        Assert.Equal(22, gallery.Count);
        var rng = new Random(21);
        int found = 0;
        var misses = new List<string>();
        foreach (var (name, box, _) in gallery)
        {
            using var photo = Photo(int.Parse(name[6..7], System.Globalization.CultureInfo.InvariantCulture));
            // Altered copy: a loose crop shifted by up to 10% of the face, blurred, darker and with more contrast.
            double jx = (rng.NextDouble() - 0.5) * 0.2 * box.Width, jy = (rng.NextDouble() - 0.5) * 0.2 * box.Height;
            double grow = 0.6 + 0.3 * rng.NextDouble();
            var rect = ToRect(new BoxXyxy(box.X1 - grow * box.Width + jx, box.Y1 - grow * box.Height + jy,
                box.X2 + grow * box.Width + jx, box.Y2 + grow * box.Height + jy), photo);
            using var crop = new Mat(photo, rect);
            using var blurred = new Mat();
            Cv2.GaussianBlur(crop, blurred, new Size(0, 0), 1.5);
            using var altered = new Mat();
            blurred.ConvertTo(altered, -1, 1.2, -30);
            // The query is the face at the copied face's place (a loose crop may hold a neighbour's face too).
            var expected = new BoxXyxy(box.X1 - rect.X, box.Y1 - rect.Y, box.X2 - rect.X, box.Y2 - rect.Y);
            var query = pipeline.Detect(altered, name).Where(f => BoxXyxy.IoU(f.Box, expected) > 0.5)
                .OrderByDescending(f => BoxXyxy.IoU(f.Box, expected)).FirstOrDefault();
            if (query is null) { misses.Add($"{name}: no face in the altered copy"); continue; }
            var best = gallery.OrderByDescending(g => Dot(g.Vector, query.Embedding!)).First();
            if (best.Name == name) found++;
            else misses.Add($"{name}: nearest is {best.Name} ({Dot(best.Vector, query.Embedding!):F3})");
        }
        // Measured: 21 of 22 (similarity of a copy to its original 0.77-0.99, to the next face at most 0.62). The miss is
        // sample4's downcast face: on the altered copy the detector's box takes in the hair, the landmark model puts the
        // eyes on the brows and the aligned crop moves by a quarter of its height.
        Assert.True(found >= 21, $"{found}/{gallery.Count} found first; {string.Join("; ", misses)}");
    }

    [Fact]
    public void Quality_RanksABlurredCopyBelowItsOriginal()
    {
        using var pipeline = FacePipeline.Open(WriteFullBundle(_dir));
        int compared = 0;
        for (int i = 1; i <= 6; i++)
        {
            using var photo = Photo(i);
            using var blurred = new Mat();
            Cv2.GaussianBlur(photo, blurred, new Size(0, 0), 2.5);
            var sharp = pipeline.Detect(photo, $"sample{i}", new FaceOptions { IncludeEmbedding = false });
            var soft = pipeline.Detect(blurred, $"sample{i}-blurred", new FaceOptions { IncludeEmbedding = false, ScoreThreshold = 0.5f });
            foreach (var f in sharp)
            {
                var twin = soft.Where(s => BoxXyxy.IoU(s.Box, f.Box) > 0.5).OrderByDescending(s => BoxXyxy.IoU(s.Box, f.Box)).FirstOrDefault();
                if (twin is null) continue; // blur may hide a face from the detector: nothing to rank
                compared++;
                Assert.True(twin.Quality.Score < f.Quality.Score, $"sample{i} {f.Box}: blurred {twin.Quality} vs original {f.Quality}");
                Assert.True(twin.Quality.Sharpness < f.Quality.Sharpness);
            }
        }
        Assert.InRange(compared, 18, 22);
    }

    [Fact]
    public void Pose_IsFrontalForTheTemplate_AndTurnsWithTheNose()
    {
        var (yaw, pitch, roll) = FaceQualityScorer.Pose(FaceAlignment.Template);
        Assert.InRange(Math.Abs(yaw), 0, 1);
        Assert.InRange(Math.Abs(pitch), 0, 1);
        Assert.InRange(Math.Abs(roll), 0, 1);
        var turned = FaceAlignment.Template.ToArray();
        turned[2] = new FacePoint(turned[2].X + 12, turned[2].Y);
        Assert.InRange(FaceQualityScorer.Pose(turned).Yaw, 30, 60);
        // Rotating all points by 30° changes roll only.
        double c = Math.Cos(Math.PI / 6), s = Math.Sin(Math.PI / 6);
        var rolled = FaceAlignment.Template.Select(p => new FacePoint(c * p.X - s * p.Y, s * p.X + c * p.Y)).ToArray();
        var r = FaceQualityScorer.Pose(rolled);
        Assert.Equal(30, r.Roll, 0.5);
        Assert.InRange(Math.Abs(r.Yaw), 0, 1);
    }

    [Fact]
    public void Alignment_RecoversAKnownSimilarity()
    {
        // Points = template scaled by 2.5, rotated by -20° and moved: the estimate is its exact inverse.
        double a = 2.5 * Math.Cos(-0.349), b = 2.5 * Math.Sin(-0.349);
        var src = FaceAlignment.Template.Select(p => new FacePoint(a * p.X - b * p.Y + 300, b * p.X + a * p.Y + 120)).ToArray();
        var m = FaceAlignment.Similarity(src, FaceAlignment.Template);
        for (int k = 0; k < 5; k++)
        {
            var back = FaceAlignment.Apply(m, src[k]);
            Assert.Equal(FaceAlignment.Template[k].X, back.X, 6);
            Assert.Equal(FaceAlignment.Template[k].Y, back.Y, 6);
        }
    }

    [Fact]
    public void Bundle_RefusesBadManifests_NamingTheFile()
    {
        string path = Path.Combine(_dir, "bad.face.json");
        File.WriteAllText(path, """{ "kind": "face", "detector": "missing.onnx" }""");
        var missing = Assert.Throws<SeerException>(() => FaceBundle.Read(path));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Contains("missing.onnx", missing.Message);
        File.WriteAllText(path, $$"""{ "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detectr_format": "x" }""");
        var unknown = Assert.Throws<SeerException>(() => FaceBundle.Read(path));
        Assert.Contains("unknown key 'detectr_format'", unknown.Message);
        Assert.Equal(path, unknown.Path);
        File.WriteAllText(path, $$"""{ "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detector_format": "yolo" }""");
        Assert.Contains("detector_format 'yolo'", Assert.Throws<SeerException>(() => FaceBundle.Read(path)).Message);
        // A BlazeFace bundle pointing at the Ultra-Light graph: refused when it opens, not at the first image.
        File.WriteAllText(path, $$"""{ "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detector_format": "blazeface" }""");
        Assert.Contains("not a BlazeFace graph", Assert.Throws<SeerException>(() => FacePipeline.Open(path)).Message);
    }

    private static float Dot(float[] a, float[] b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static Rect ToRect(BoxXyxy b, Mat image)
    {
        var c = b.Clip(image.Width, image.Height);
        return new Rect((int)c.X1, (int)c.Y1, Math.Max(1, (int)(c.X2 - c.X1)), Math.Max(1, (int)(c.Y2 - c.Y1)));
    }
}
