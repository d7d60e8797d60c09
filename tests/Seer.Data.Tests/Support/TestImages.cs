using System.Buffers.Binary;
using System.IO.Compression;
using OpenCvSharp;

namespace Seer.Data.Tests.Support;

/// <summary>Generates real encoded images (random shapes on a gradient) and hand-made bad files for tests.</summary>
public static class TestImages
{
    public static Mat Draw(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var mat = new Mat(height, width, MatType.CV_8UC3, new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)));
        for (int i = 0; i < 6; i++)
        {
            var color = new Scalar(rng.Next(256), rng.Next(256), rng.Next(256));
            var p1 = new Point(rng.Next(width), rng.Next(height));
            var p2 = new Point(rng.Next(width), rng.Next(height));
            if (i % 2 == 0) Cv2.Rectangle(mat, p1, p2, color, -1);
            else Cv2.Circle(mat, p1, 1 + rng.Next(Math.Max(2, Math.Min(width, height) / 3)), color, -1);
        }
        return mat;
    }

    public static byte[] Jpeg(int width, int height, int seed, int quality = 90)
    {
        using var mat = Draw(width, height, seed);
        Cv2.ImEncode(".jpg", mat, out var bytes, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return bytes;
    }

    public static byte[] Png(int width, int height, int seed)
    {
        using var mat = Draw(width, height, seed);
        Cv2.ImEncode(".png", mat, out var bytes);
        return bytes;
    }

    /// <summary>A real PNG of width×height grey zeros: tiny on disk, huge when decoded (a decompression bomb).</summary>
    public static byte[] PngBomb(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth, colour type 0 (grey)
        Chunk(png, "IHDR", ihdr);
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (int y = 0; y < height; y++) z.Write(row);
        }
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A PNG whose pixel data is damaged (IDAT bytes flipped) but whose ending is intact.</summary>
    public static byte[] CorruptPng(int width, int height, int seed)
    {
        var bytes = Png(width, height, seed);
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 20; i < idat + 60 && i < bytes.Length - 16; i++) bytes[i] ^= 0x5A;
        return bytes;
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32(typeBytes.Concat(data).ToArray());
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
