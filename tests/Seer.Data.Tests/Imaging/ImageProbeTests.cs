using Seer.Imaging;

namespace Seer.Data.Tests.Imaging;

public class ImageProbeTests
{
    [Fact]
    public void Probe_ReadsRealVocJpegSizes()
    {
        string dir = Path.Combine(TestPaths.Labelme, "bbox_detection", "data_dataset_voc", "JPEGImages");
        var files = Directory.GetFiles(dir, "*.jpg");
        Assert.Equal(3, files.Length);
        foreach (var file in files)
        {
            Assert.True(ImageProbe.TryRead(file, out var header, out var reason), reason);
            Assert.Equal("jpeg", header.Format);
            // The VOC XML beside each photo declares its size; the header must agree.
            string xml = File.ReadAllText(Path.Combine(dir, "..", "Annotations", Path.GetFileNameWithoutExtension(file) + ".xml"));
            Assert.Contains($"<width>{header.Width}</width>", xml, StringComparison.Ordinal);
            Assert.Contains($"<height>{header.Height}</height>", xml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Probe_ReadsPngAndBmpHeaders()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 0x2C, 0, 0, 0, 0xC8, 8, 2, 0, 0, 0];
        Assert.True(ImageProbe.TryRead(new MemoryStream(png), out var h, out _));
        Assert.Equal(new ImageHeader("png", 300, 200), h);

        var bmp = new byte[54];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BitConverter.GetBytes(640).CopyTo(bmp, 18);
        BitConverter.GetBytes(-480).CopyTo(bmp, 22);
        Assert.True(ImageProbe.TryRead(new MemoryStream(bmp), out h, out _));
        Assert.Equal(new ImageHeader("bmp", 640, 480), h);
    }

    [Theory]
    [InlineData(new byte[0], "empty file")]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, "not an image")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F' }, "truncated JPEG")]
    public void Probe_RejectsNonImagesAndTruncatedHeaders(byte[] bytes, string expected)
    {
        Assert.False(ImageProbe.TryRead(new MemoryStream(bytes), out _, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }
}
