using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Data;

namespace Seer.Server.Tests.Labeling;

/// <summary>Small real PNG images (distinct content each) stored in a workspace and committed as a version to label.</summary>
public static class LabelingData
{
    /// <summary>
    /// Commits <paramref name="count"/> unlabelled images of <paramref name="width"/>x<paramref name="height"/> as dataset
    /// <paramref name="name"/> with classes cat, dog, bird; <paramref name="predicted"/> adds model boxes to image 0.
    /// </summary>
    public static DatasetVersionInfo Commit(Workspace ws, string name, int count, int width = 64, int height = 48,
        IReadOnlyList<ObjectAnnotation>? predicted = null)
    {
        var images = new List<ImageRecord>();
        for (int i = 0; i < count; i++)
        {
            using var mat = new Mat(height, width, MatType.CV_8UC3, new OpenCvSharp.Scalar(30 + 20 * i, 90, 160));
            Cv2.Rectangle(mat, new Rect(4 + i, 4, width / 3, height / 3), new OpenCvSharp.Scalar(250, 250, 250), -1);
            Cv2.ImEncode(".png", mat, out byte[] png);
            using var stream = new MemoryStream(png);
            var put = ws.Blobs.PutAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            var record = new ImageRecord(put.Sha256, $"img-{i:D2}.png", width, height);
            if (i == 0 && predicted is not null) record = record with { Objects = predicted };
            images.Add(record);
        }
        return ws.CommitVersion(name, images, [], "test-images", null, ["cat", "dog", "bird"]).Version;
    }

    public static ObjectAnnotation Prediction(string label, double x1, double y1, double x2, double y2, double score) =>
        new(label, new BoxXyxy(x1, y1, x2, y2)) { Score = score, Source = AnnotationSource.Predicted };
}
