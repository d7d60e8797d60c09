using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Seer.Imaging.Preprocess;

/// <summary>Copies between OpenCV 8UC3 mats (already in RGB order) and <see cref="RgbImage"/>.</summary>
public static class MatConvert
{
    public static RgbImage ToRgbImage(Mat rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected CV_8UC3, got {rgb.Type()}", nameof(rgb));
        int w = rgb.Width, h = rgb.Height;
        var pixels = new byte[w * h * 3];
        using Mat continuous = rgb.IsContinuous() ? rgb : rgb.Clone();
        Marshal.Copy(continuous.Data, pixels, 0, pixels.Length);
        return new RgbImage(w, h, pixels);
    }

    /// <summary>A mat that owns a copy of the image's pixels (RGB order).</summary>
    public static Mat ToMat(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var mat = new Mat(image.Height, image.Width, MatType.CV_8UC3);
        Marshal.Copy(image.Pixels, 0, mat.Data, image.Pixels.Length);
        return mat;
    }
}
