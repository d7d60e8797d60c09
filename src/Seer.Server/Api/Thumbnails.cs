using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Data;

namespace Seer.Server.Api;

/// <summary>JPEG thumbnails of stored images (longest side = size) and the content type of stored bytes.</summary>
internal static class Thumbnails
{
    public static byte[] Make(Workspace ws, string hash, int size)
    {
        byte[] bytes = Read(ws, hash);
        using var image = Cv2.ImDecode(bytes, ImreadModes.Color);
        if (image.Empty()) throw new SeerException(ErrorCodes.InvalidInput, $"image {hash} cannot be decoded", hash);
        double scale = Math.Min(1.0, (double)size / Math.Max(image.Width, image.Height));
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale))),
            interpolation: InterpolationFlags.Area);
        return small.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }

    public static string ContentType(Workspace ws, string hash)
    {
        using var s = ws.Blobs.OpenRead(hash);
        Span<byte> head = stackalloc byte[8];
        int n = s.Read(head);
        head = head[..n];
        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8) return "image/jpeg";
        if (n >= 8 && head[0] == 0x89 && head[1] == (byte)'P') return "image/png";
        if (n >= 2 && head[0] == (byte)'B' && head[1] == (byte)'M') return "image/bmp";
        if (n >= 4 && head[0] == (byte)'G' && head[1] == (byte)'I') return "image/gif";
        return "application/octet-stream";
    }

    private static byte[] Read(Workspace ws, string hash)
    {
        using var s = ws.Blobs.OpenRead(hash);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
