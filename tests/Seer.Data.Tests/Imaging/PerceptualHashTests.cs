using OpenCvSharp;
using Seer.Data.Tests.Support;
using Seer.Imaging;

namespace Seer.Data.Tests.Imaging;

public class PerceptualHashTests
{
    [Fact]
    public void Hash_IsStableUnderResizeAndReencodeAndFarForOtherImages()
    {
        using var mat = TestImages.Draw(400, 300, 3);
        Cv2.ImEncode(".png", mat, out var png);
        using var half = new Mat();
        Cv2.Resize(mat, half, new Size(200, 150), 0, 0, InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", half, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 50));
        ulong a = PerceptualHash.Compute(png);
        ulong b = PerceptualHash.Compute(jpeg);
        Assert.InRange(PerceptualHash.Distance(a, b), 0, 6);
        var others = Enumerable.Range(0, 10).Select(i => PerceptualHash.Compute(TestImages.Jpeg(400, 300, 100 + i))).ToList();
        Assert.All(others, o => Assert.InRange(PerceptualHash.Distance(a, o), 12, 64));
        Assert.Throws<InvalidDataException>(() => PerceptualHash.Compute([1, 2, 3]));
    }
}
