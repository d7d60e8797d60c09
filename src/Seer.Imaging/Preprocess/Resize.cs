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
        Cv2.Resize(src, dst, new Size(width, height), 0, 0, InterpolationFor(image.Width, image.Height, width, height));
        return MatConvert.ToRgbImage(dst);
    }

    /// <summary>The interpolation every Seer resize uses (training, evaluation, prediction): area when both sides shrink.</summary>
    public static InterpolationFlags InterpolationFor(int fromWidth, int fromHeight, int toWidth, int toHeight) =>
        toWidth < fromWidth && toHeight < fromHeight ? InterpolationFlags.Area : InterpolationFlags.Linear;
}
