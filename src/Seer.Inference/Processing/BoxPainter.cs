using OpenCvSharp;
using Seer.Core.Errors;

namespace Seer.Inference.Processing;

/// <summary>Draws a prediction onto its image (boxes with label and score, or the top class) and writes the file atomically.</summary>
public static class BoxPainter
{
    public static void DrawTo(EncodedImage image, ImagePrediction prediction, string outputPath)
    {
        using var m = ImageDecoder.Decode(image, 1, 1, allowReduced: false).Image;
        int thickness = Math.Max(1, (int)Math.Round(Math.Max(m.Width, m.Height) / 400.0));
        double fontScale = Math.Max(0.4, Math.Max(m.Width, m.Height) / 1200.0);
        foreach (var d in prediction.Detections)
        {
            var colour = Colour(d.ClassId);
            var p1 = new Point((int)Math.Round(d.Box.X1), (int)Math.Round(d.Box.Y1));
            var p2 = new Point((int)Math.Round(d.Box.X2), (int)Math.Round(d.Box.Y2));
            Cv2.Rectangle(m, p1, p2, colour, thickness);
            Label(m, $"{d.Label} {d.Score:0.00}", p1, colour, fontScale, thickness);
        }
        if (prediction.Classes.Count > 0)
            Label(m, $"{prediction.Classes[0].Label} {prediction.Classes[0].Score:0.00}", new Point(0, 0), Colour(prediction.Classes[0].ClassId), fontScale, thickness);

        string ext = Path.GetExtension(outputPath).ToLowerInvariant();
        if (ext is not (".jpg" or ".jpeg" or ".png" or ".bmp" or ".webp")) ext = ".jpg";
        byte[] bytes = m.ImEncode(ext);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        string temp = outputPath + ".tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, outputPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot write '{outputPath}': {ex.Message}", outputPath, ex);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Label(Mat m, string text, Point at, Scalar colour, double fontScale, int thickness)
    {
        var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, fontScale, thickness, out int baseline);
        int top = Math.Max(0, at.Y - size.Height - baseline);
        Cv2.Rectangle(m, new Rect(at.X, top, size.Width, size.Height + baseline), colour, -1);
        Cv2.PutText(m, text, new Point(at.X, top + size.Height), HersheyFonts.HersheySimplex, fontScale, Scalar.White, thickness);
    }

    private static Scalar Colour(int classId)
    {
        uint h = (uint)(classId + 1) * 2654435761u;
        return new Scalar(60 + h % 180, 60 + (h >> 8) % 180, 60 + (h >> 16) % 180);
    }
}
