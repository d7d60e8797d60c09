using OpenCvSharp;

namespace Seer.Inference.Faces;

/// <summary>
/// Scores a face's quality from cues that need no extra model: size (shorter box side; full marks from
/// <see cref="FullSizePixels"/>), sharpness (variance of the Laplacian of the aligned grey crop, v / (v + <see
/// cref="SharpnessHalf"/>)), pose from the five points (yaw from the nose's offset from the eyes' midpoint along the eye
/// line, pitch from the nose's height between the eyes and the mouth against the template's, roll from the eye line;
/// term cos(yaw)·cos(pitch)) and brightness (mean grey of the aligned crop's centre; full marks in 80..175, falling to
/// 0 at black and white). <see cref="FaceQuality.Score"/> is the product of the four terms.
/// </summary>
public static class FaceQualityScorer
{
    public const double FullSizePixels = 80;
    public const double SharpnessHalf = 100;

    public static FaceQuality Score(double boxShortSide, IReadOnlyList<FacePoint> five, Mat alignedBgr)
    {
        double sizeTerm = Math.Clamp(boxShortSide / FullSizePixels, 0, 1);
        using var grey = new Mat();
        Cv2.CvtColor(alignedBgr, grey, ColorConversionCodes.BGR2GRAY);
        using var lap = new Mat();
        Cv2.Laplacian(grey, lap, MatType.CV_64F);
        Cv2.MeanStdDev(lap, out _, out var std);
        double sharp = std.Val0 * std.Val0;
        double sharpTerm = sharp / (sharp + SharpnessHalf);
        using var centre = new Mat(grey, new Rect(28, 28, 56, 56));
        double brightness = Cv2.Mean(centre).Val0;
        double brightTerm = Math.Clamp(Math.Min(brightness, 255 - brightness) / 80.0, 0, 1);
        var (yaw, pitch, roll) = Pose(five);
        double poseTerm = Math.Max(0, Math.Cos(yaw * Math.PI / 180)) * Math.Max(0, Math.Cos(pitch * Math.PI / 180));
        return new FaceQuality(sizeTerm * sharpTerm * poseTerm * brightTerm, boxShortSide, sharp, yaw, pitch, roll, brightness);
    }

    /// <summary>Yaw, pitch and roll in degrees (estimates; 0 for the template's frontal face).</summary>
    public static (double Yaw, double Pitch, double Roll) Pose(IReadOnlyList<FacePoint> p)
    {
        var (le, re, nose) = (p[0], p[1], p[2]);
        var mouth = new FacePoint((p[3].X + p[4].X) / 2, (p[3].Y + p[4].Y) / 2);
        double ex = re.X - le.X, ey = re.Y - le.Y, iod = Math.Sqrt(ex * ex + ey * ey);
        if (iod < 1e-6) return (90, 90, 0);
        double roll = Math.Atan2(ey, ex) * 180 / Math.PI;
        // Into the eye-line frame: u along the eyes, v perpendicular (down the face).
        double ux = ex / iod, uy = ey / iod;
        var mid = new FacePoint((le.X + re.X) / 2, (le.Y + re.Y) / 2);
        double Along(FacePoint q) => (q.X - mid.X) * ux + (q.Y - mid.Y) * uy;
        double Down(FacePoint q) => -(q.X - mid.X) * uy + (q.Y - mid.Y) * ux;
        // Yaw: the nose moves sideways by about half the eye distance at 90° (a rough head model).
        double yaw = Math.Asin(Math.Clamp(Along(nose) / (0.5 * iod), -1, 1)) * 180 / Math.PI;
        // Pitch: the template's nose sits at 0.497 of the way from the eye line to the mouth.
        double mouthDown = Down(mouth);
        double ratio = mouthDown > 1e-6 ? Down(nose) / mouthDown : 0;
        double pitch = Math.Asin(Math.Clamp((ratio - 0.497) / 0.4, -1, 1)) * 180 / Math.PI;
        return (Math.Round(yaw, 2), Math.Round(pitch, 2), Math.Round(roll, 2));
    }
}
