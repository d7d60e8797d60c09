using OpenCvSharp;

namespace Seer.Formats.Idx;

/// <summary>Grey IDX pixels to PNG bytes and back (OpenCV).</summary>
internal static class IdxPng
{
    public static byte[] Encode(byte[] data, int offset, int rows, int cols)
    {
        using var mat = new Mat(rows, cols, MatType.CV_8UC1);
        System.Runtime.InteropServices.Marshal.Copy(data, offset, mat.Data, rows * cols);
        Cv2.ImEncode(".png", mat, out var png);
        return png;
    }

    /// <summary>Decodes an image to grey bytes; false with a reason when it cannot be decoded.</summary>
    public static bool TryDecode(byte[] bytes, out byte[] pixels, out int rows, out int cols, out bool wasColour, out string reason)
    {
        pixels = [];
        rows = cols = 0;
        wasColour = false;
        using var mat = Cv2.ImDecode(bytes, ImreadModes.Unchanged);
        if (mat.Empty())
        {
            reason = "cannot be decoded as an image";
            return false;
        }
        using var grey8 = new Mat();
        Mat source = mat;
        using var converted = new Mat();
        if (mat.Depth() != MatType.CV_8U)
        {
            mat.ConvertTo(converted, MatType.MakeType(MatType.CV_8U, mat.Channels()), 255.0 / 65535.0);
            source = converted;
        }
        switch (source.Channels())
        {
            case 1: source.CopyTo(grey8); break;
            case 3: Cv2.CvtColor(source, grey8, ColorConversionCodes.BGR2GRAY); wasColour = HasColour(source); break;
            case 4: Cv2.CvtColor(source, grey8, ColorConversionCodes.BGRA2GRAY); wasColour = HasColour(source); break;
            default:
                reason = $"{source.Channels()} channels";
                return false;
        }
        rows = grey8.Rows;
        cols = grey8.Cols;
        pixels = new byte[rows * cols];
        using var continuous = grey8.Clone();
        System.Runtime.InteropServices.Marshal.Copy(continuous.Data, pixels, 0, pixels.Length);
        reason = "";
        return true;
    }

    /// <summary>True when the colour channels differ somewhere (a grey image stored as BGR is not colour).</summary>
    private static bool HasColour(Mat bgr)
    {
        var channels = Cv2.Split(bgr);
        try
        {
            using var d1 = new Mat();
            using var d2 = new Mat();
            Cv2.Absdiff(channels[0], channels[1], d1);
            Cv2.Absdiff(channels[1], channels[2], d2);
            return Cv2.CountNonZero(d1) > 0 || Cv2.CountNonZero(d2) > 0;
        }
        finally
        {
            foreach (var c in channels) c.Dispose();
        }
    }
}
