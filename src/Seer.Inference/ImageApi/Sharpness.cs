using OpenCvSharp;

namespace Seer.Inference.ImageApi;

/// <summary>Sharpness score of an image region: the variance of its Laplacian on grey (higher is sharper; blur → near 0).</summary>
public static class Sharpness
{
    internal static double VarianceOfLaplacian(Mat bgr)
    {
        using var grey = new Mat();
        if (bgr.Channels() == 1) bgr.CopyTo(grey);
        else Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
        using var lap = new Mat();
        Cv2.Laplacian(grey, lap, MatType.CV_64F, ksize: 1);
        Cv2.MeanStdDev(lap, out _, out var std);
        return std.Val0 * std.Val0;
    }

    /// <summary>The variance of the Laplacian of an encoded image (throws a SeerException if it does not decode).</summary>
    public static double Of(Processing.EncodedImage image)
    {
        using var m = Processing.ImageDecoder.Decode(image, 1, 1, allowReduced: false).Image;
        return VarianceOfLaplacian(m);
    }
}
