using System.Security.Cryptography;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Progress;
using Seer.Core.Storage;
using Seer.Inference.Annotation;
using Seer.Inference.Models;

namespace Seer.Inference.Tests;

/// <summary>Pre-annotating a dataset version with the real face detector gives predicted, scored objects.</summary>
public sealed class PreAnnotatorTests
{
    private sealed class MemoryBlobs : IBlobReader
    {
        public Dictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);
        public Stream OpenRead(string sha256) => Blobs.TryGetValue(sha256, out var b)
            ? new MemoryStream(b, writable: false) : throw new SeerException(ErrorCodes.NotFound, $"blob {sha256} not found");
        public bool Exists(string sha256) => Blobs.ContainsKey(sha256);
        public string? TryGetLocalPath(string sha256) => null;
    }

    [Fact]
    public async Task AnnotateAsync_ReplacesAnnotationsWithScoredPredictions()
    {
        var blobs = new MemoryBlobs();
        var records = new List<ImageRecord>();
        foreach (int i in new[] { 1, 5 })
        {
            byte[] bytes = File.ReadAllBytes(TestPaths.Data("faces", $"sample{i}.jpg"));
            string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            blobs.Blobs[hash] = bytes;
            records.Add(new ImageRecord(hash, $"photos/sample{i}.jpg", 1920, 1000)
            {
                IsLabelled = true,
                Objects = [new ObjectAnnotation("person", new BoxXyxy(0, 0, 10, 10))],
            });
        }
        var snapshot = new DatasetSnapshot("people", "v1", ["face"], records, blobs);
        string dir = TestPaths.TempDir();
        try
        {
            using var model = OnnxModel.Load(TestPaths.Data("faces", "fr_detect.onnx"), FaceDetectorTests.WriteManifest(dir));
            var predictor = new Predictor(model, new PredictorOptions { ScoreThreshold = 0.7f, IouThreshold = 0.3f });
            var reports = new List<WorkProgress>();
            var result = await PreAnnotator.AnnotateAsync(snapshot, predictor, new SyncProgress(reports), CancellationToken.None);

            Assert.Equal(["photos/sample1.jpg", "photos/sample5.jpg"], result.Select(r => r.FileName));
            Assert.Equal([3, 5], result.Select(r => r.Objects.Count));
            Assert.All(result.SelectMany(r => r.Objects), o =>
            {
                Assert.Equal("face", o.Label);
                Assert.Equal(AnnotationSource.Predicted, o.Source);
                Assert.InRange(o.Score!.Value, 0.7, 1.0);
            });
            Assert.Equal(records[0].ContentHash, result[0].ContentHash);
            Assert.Equal(2, reports[^1].Done);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private sealed class SyncProgress(List<WorkProgress> reports) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => reports.Add(value);
    }
}
