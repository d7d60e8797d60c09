using OpenCvSharp;

namespace Seer.Inference.Faces;

/// <summary>
/// Five-point similarity alignment to ArcFace's 112×112 template (insightface's <c>arcface_dst</c>): the least-squares
/// rotation + uniform scale + translation (Umeyama's estimate without reflection, in closed form for 2-D) taking the
/// face's points onto the template's, then <c>warpAffine</c> (bilinear, black border).
/// </summary>
public static class FaceAlignment
{
    public const int Size = 112;

    /// <summary>ArcFace's template: image-left eye, image-right eye, nose tip, image-left and image-right mouth corners.</summary>
    public static readonly FacePoint[] Template =
    [
        new(38.2946, 51.6963), new(73.5318, 51.5014), new(56.0252, 71.7366), new(41.5493, 92.3655), new(70.7299, 92.2041),
    ];

    /// <summary>The 2×3 matrix [a −b tx; b a ty] minimising Σ|M·src − dst|² over rotation, scale and translation.</summary>
    public static double[] Similarity(IReadOnlyList<FacePoint> src, IReadOnlyList<FacePoint> dst)
    {
        if (src.Count != dst.Count || src.Count < 2) throw new ArgumentException("need at least two point pairs of equal count");
        int n = src.Count;
        double sx = 0, sy = 0, dx = 0, dy = 0;
        for (int i = 0; i < n; i++) { sx += src[i].X; sy += src[i].Y; dx += dst[i].X; dy += dst[i].Y; }
        sx /= n; sy /= n; dx /= n; dy /= n;
        double re = 0, im = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double px = src[i].X - sx, py = src[i].Y - sy, qx = dst[i].X - dx, qy = dst[i].Y - dy;
            re += px * qx + py * qy;
            im += px * qy - py * qx;
            norm += px * px + py * py;
        }
        if (norm <= 1e-12) throw new ArgumentException("the source points coincide");
        double a = re / norm, b = im / norm;
        return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
    }

    public static FacePoint Apply(double[] m, FacePoint p) => new(m[0] * p.X + m[1] * p.Y + m[2], m[3] * p.X + m[4] * p.Y + m[5]);

    /// <summary>The aligned 112×112 BGR crop of <paramref name="bgr"/> for the five points, and the transform used.</summary>
    public static (Mat Crop, double[] Transform) Align(Mat bgr, IReadOnlyList<FacePoint> fivePoints)
    {
        var m = Similarity(fivePoints, Template);
        using var matrix = new Mat(2, 3, MatType.CV_64FC1);
        for (int i = 0; i < 6; i++) matrix.Set(i / 3, i % 3, m[i]);
        var crop = new Mat();
        Cv2.WarpAffine(bgr, crop, matrix, new OpenCvSharp.Size(Size, Size), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        return (crop, m);
    }
}
