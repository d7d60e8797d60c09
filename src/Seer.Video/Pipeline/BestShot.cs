using OpenCvSharp;
using Seer.Core.Geometry;

namespace Seer.Video.Pipeline;

/// <summary>
/// Quality of a candidate shot in [0, 1]: detector score × size term × sharpness term × edge term. Size: min(1, √area /
/// <see cref="FullSizePixels"/>); sharpness: v / (v + 100) with v the variance of the Laplacian of the grey crop scaled to
/// 64 px high (comparable across box sizes); edge: ×0.5 when the box touches the frame border (clipped objects).
/// </summary>
public static class ShotQuality
{
    public const double FullSizePixels = 128;

    /// <param name="frame">The full-resolution frame: BGR, or its grey (luma) plane.</param>
    public static double Of(Mat frame, BoxXyxy box, double score)
    {
        var clip = box.Clip(frame.Width, frame.Height);
        if (clip.IsDegenerate) return 0;
        double size = Math.Min(1, Math.Sqrt(clip.Area) / FullSizePixels);
        double sharp = Sharpness(frame, clip);
        bool touches = box.X1 <= 1 || box.Y1 <= 1 || box.X2 >= frame.Width - 1 || box.Y2 >= frame.Height - 1;
        return Math.Clamp(score, 0, 1) * size * (sharp / (sharp + 100)) * (touches ? 0.5 : 1);
    }

    internal static double Sharpness(Mat frame, BoxXyxy clip)
    {
        var r = ToRect(clip, frame.Width, frame.Height);
        if (r.Width < 2 || r.Height < 2) return 0;
        using var roi = new Mat(frame, r);
        using var converted = new Mat();
        Mat grey = roi;
        if (frame.Channels() > 1)
        {
            Cv2.CvtColor(roi, converted, ColorConversionCodes.BGR2GRAY);
            grey = converted;
        }
        using var small = new Mat();
        double s = 64.0 / r.Height;
        Cv2.Resize(grey, small, new Size(Math.Max(2, (int)Math.Round(r.Width * s)), 64), 0, 0, InterpolationFlags.Area);
        using var lap = new Mat();
        Cv2.Laplacian(small, lap, MatType.CV_64F);
        Cv2.MeanStdDev(lap, out _, out var std);
        return std.Val0 * std.Val0;
    }

    internal static Rect ToRect(BoxXyxy b, int width, int height)
    {
        int x1 = Math.Clamp((int)Math.Floor(b.X1), 0, width), y1 = Math.Clamp((int)Math.Floor(b.Y1), 0, height);
        int x2 = Math.Clamp((int)Math.Ceiling(b.X2), 0, width), y2 = Math.Clamp((int)Math.Ceiling(b.Y2), 0, height);
        return new Rect(x1, y1, Math.Max(0, x2 - x1), Math.Max(0, y2 - y1));
    }

    /// <summary>The box grown by <paramref name="padding"/> of its size on every side, clipped to the frame.</summary>
    public static Rect PaddedRect(BoxXyxy box, double padding, int width, int height)
    {
        double px = box.Width * padding, py = box.Height * padding;
        return ToRect(new BoxXyxy(box.X1 - px, box.Y1 - py, box.X2 + px, box.Y2 + py), width, height);
    }
}

/// <summary>The best shot kept for one track over its life (or the current interval window).</summary>
internal sealed class TrackShot
{
    public required int TrackId;
    public required string Label;
    public long FirstFrame, LastFrame, WindowStart;
    public double BestQuality = -1;
    public long BestFrame;
    public BoxXyxy BestBox;
    public float BestScore;
    public VideoFrame? BestImage;
    /// <summary>The best shot's face (five points for the embedding) when the stream detects with a face bundle.</summary>
    public Seer.Inference.Faces.Face? BestFace;
}
