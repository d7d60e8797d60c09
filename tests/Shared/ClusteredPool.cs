using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Data;

namespace Seer.Tests.Shared;

/// <summary>Shared by the server and browser tests (linked into both): a small clustered version for cluster review.</summary>
public static class ClusteredPool
{
    /// <summary>
    /// A version of <paramref name="dataset"/> as <c>seer cluster</c> writes it (tags, cohesion parameter) over ten distinct
    /// 24-px images: cluster-0001 ×4, cluster-0002 ×3, cluster-0003 ×2, one singleton
    /// (image 6). Returns the version id.
    /// </summary>
    public static async Task<string> WriteAsync(Workspace ws, string dataset)
    {
        int[] clusterOf = [1, 1, 2, 1, 3, 2, 0, 1, 3, 2];
        var images = new List<ImageRecord>();
        for (int i = 0; i < clusterOf.Length; i++)
        {
            using var mat = new Mat(24, 24, MatType.CV_8UC3, new OpenCvSharp.Scalar(20 * i, 255 - 20 * i, 40 * clusterOf[i]));
            Cv2.PutText(mat, i.ToString(System.Globalization.CultureInfo.InvariantCulture), new Point(4, 18), HersheyFonts.HersheySimplex, 0.6, OpenCvSharp.Scalar.White);
            using var png = new MemoryStream(mat.ImEncode(".png"));
            var put = await ws.Blobs.PutAsync(png, CancellationToken.None);
            images.Add(clusterOf[i] == 0
                ? new ImageRecord(put.Sha256, $"img{i}.png", 24, 24)
                : new ImageRecord(put.Sha256, $"img{i}.png", 24, 24) { IsLabelled = true, Tags = [ClusterNames.Name(clusterOf[i])] });
        }
        var parameters = new Dictionary<string, object?>
        {
            ["method"] = "chinese-whispers",
            [ClusterNames.CohesionParameter] = new Dictionary<string, double> { ["cluster-0001"] = 0.91, ["cluster-0002"] = 0.82, ["cluster-0003"] = 0.77 },
        };
        return ws.CommitVersion(dataset, images, [], "cluster", parameters, ["cluster-0001", "cluster-0002", "cluster-0003"]).Version.Version;
    }
}
