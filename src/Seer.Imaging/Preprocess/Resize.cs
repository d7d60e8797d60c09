using OpenCvSharp;

namespace Seer.Imaging.Preprocess;

/// <summary>Resizing with OpenCV: area interpolation when shrinking, linear when enlarging.</summary>
public static class Resize
{
    public static RgbImage To(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == width && image.Height == height) return image;
        using Mat src = MatConvert.ToMat(image);
        using var dst = new Mat();
        var interpolation = width < image.Width && height < image.Height ? InterpolationFlags.Area : InterpolationFlags.Linear;
        Cv2.Resize(src, dst, new Size(width, height), 0, 0, interpolation);
        return MatConvert.ToRgbImage(dst);
    }
}
