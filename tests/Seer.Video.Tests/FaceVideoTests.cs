using System.Diagnostics;
using OpenCvSharp;
using Seer.Inference.Faces;
using Seer.Inference.Processing;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Video.Tests;

/// <summary>
/// Faces in video (issues 20 and 21): a face bundle as the video model, with the real models of scripts/fetch-data.sh
/// faces, on a clip Debian's ffmpeg makes from face-api's group photo sample5.jpg (five faces) by panning and zooming
/// over it. Each face is tracked and snapshotted once, the best-shot quality is the face quality, and the event carries
/// the aligned face's embedding as "feature".
/// </summary>
public sealed class FaceVideoTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Bundle()
    {
        string path = Path.Combine(_dir, "faces.face.json");
        File.WriteAllText(path, $$"""
            { "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detector_format": "ultraface",
              "landmarks": "{{TestPaths.Data("faces", "fr_landmark.onnx")}}", "embedding": "{{TestPaths.Data("faces", "fr_feature.onnx")}}" }
            """);
        return path;
    }

    /// <summary>3 s at 10 fps, 640×428: a slow zoom (×1.12) while panning from the photo's left edge to its right.</summary>
    private string PanZoomClip(int sample)
    {
        string path = Path.Combine(_dir, $"pan{sample}.avi");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-framerate", "10", "-i", TestPaths.Data("faces", $"sample{sample}.jpg"),
                     "-t", "3", "-vf", "zoompan=z='1+0.004*on':x='(iw-iw/zoom)*on/30':y='(ih-ih/zoom)/2':d=1:s=640x428:fps=10",
                     "-c:v", "mjpeg", "-q:v", "3", path })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg: " + err);
        return path;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    [Fact]
    public async Task FaceBundle_SnapshotsEachFaceOnce_WithTheFaceQuality_AndTheAlignedFacesEmbeddingAsFeature()
    {
        Assert.True(File.Exists(TestPaths.Data("faces", "fr_feature.onnx")), "run scripts/fetch-data.sh faces");
        string clip = PanZoomClip(5);
        string snaps = Path.Combine(_dir, "snaps");
        using var faces = FacePipeline.Open(Bundle());
        int dim = faces.EmbeddingDimension ?? throw new InvalidOperationException("the bundle has an embedding model");
        var runner = new VideoRunner([new StreamOptions { Name = "stairs", Source = clip }], new FrameDetector(faces), [new DiskSink(snaps)]);
        var health = Assert.Single((await runner.RunAsync(120, CancellationToken.None)).Streams);
        Assert.Equal(("ended", 30L, 30L), (health.State, health.Frames, health.Analysed));

        var events = File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl")).Select(SnapshotEvent.FromJson).ToList();
        // One track and one snapshot per face: the five people on the stairs, followed through the pan and zoom.
        Assert.Equal(5, events.Count);
        Assert.Equal(5, events.Select(e => e.TrackId).Distinct().Count());
        foreach (var e in events)
        {
            Assert.Equal("face", e.Label);
            Assert.InRange(e.Quality, 1e-6, 1.0);
            Assert.Null(e.Attributes);
            // The feature: the bundle's embedding of the aligned 112×112 face, L2-normalised.
            Assert.NotNull(e.Feature);
            Assert.Equal(dim, e.Feature!.Length);
            Assert.Equal(1.0, Math.Sqrt(e.Feature.Sum(x => (double)x * x)), 3);
            // The crop is cut from the full-resolution frame around the box (20 % padding), nothing drawn.
            using var crop = Cv2.ImRead(Path.Combine(snaps, e.Crop));
            Assert.InRange(crop.Width, (int)((e.Box[2] - e.Box[0]) * 1.2) - 1, 640);
        }

        // Each snapshot's feature is its own person's: it matches one face of the still photo (embedded by the same
        // bundle at full size) better than any other, and the five snapshots match five different faces.
        var photo = faces.Detect(EncodedImage.FromFile(TestPaths.Data("faces", "sample5.jpg")));
        Assert.Equal(5, photo.Count);
        var matched = new HashSet<int>();
        foreach (var e in events)
        {
            var sims = photo.Select(f => Cosine(e.Feature!, f.Embedding!)).ToArray();
            int best = Array.IndexOf(sims, sims.Max());
            double second = sims.Where((_, i) => i != best).Max();
            Assert.True(sims[best] > 0.5 && sims[best] > second + 0.1,
                $"track {e.TrackId}: similarities to the photo's faces {string.Join(", ", sims.Select(s => s.ToString("0.00")))}");
            matched.Add(best);
        }
        Assert.Equal(5, matched.Count);
    }
}
