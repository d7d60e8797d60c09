namespace Seer.Evaluation.Internal;

/// <summary>
/// Ground truth and detections grouped by (class, image) in flat arrays: for class k, the objects of image i are
/// Gts[k][GtStart[k][i] .. GtStart[k][i+1]) in input order, and its detections Dets[k][DetStart[k][i] ..
/// DetStart[k][i+1]) sorted by descending score, stable (ties keep input order), as COCOeval sorts them.
/// Images are in evaluation order (ascending image id for COCO files, list order for image records).
/// </summary>
internal sealed class EvalData
{
    public required string[] Classes { get; init; }
    public required int ImageCount { get; init; }
    public required int[][] GtStart { get; init; }
    public required GtBox[][] Gts { get; init; }
    public required int[][] DetStart { get; init; }
    public required DetBox[][] Dets { get; init; }
    public required List<string> Warnings { get; init; }

    public int DetectionCount
    {
        get
        {
            int n = 0;
            foreach (var d in Dets) n += d.Length;
            return n;
        }
    }
}
