using Seer.Imaging.Preprocess;
using Seer.Imaging.Synthesis;

namespace Seer.Training.Tests;

public sealed class SynthesisTests
{
    private static readonly RgbImage Background = RgbImage.Filled(300, 200, 30);

    private static SynthesisItem Square(string label)
    {
        var grey = new byte[20 * 20];
        for (int y = 4; y < 16; y++) for (int x = 6; x < 14; x++) grey[y * 20 + x] = 255;
        return new SynthesisItem(label, 20, 20, grey);
    }

    [Fact]
    public void Composite_BoxesAreTheExactExtentOfPastedPixels_AndSeedRepeats()
    {
        var options = new CompositeOptions { Width = 128, Height = 128, MinSize = 40, MaxSize = 40, MinObjects = 2, MaxObjects = 2, Seed = 5 };
        var items = CompositeSynthesizer.Generate([Background], [Square("a"), Square("b")], 3, options).ToList();
        Assert.Equal(3, items.Count);
        foreach (var item in items)
        {
            Assert.True(item.IsLabelled);
            Assert.NotEmpty(item.Objects);
            using var s = item.Open();
            RgbImage image = ImageDecoder.DecodeRgb(s, item.Display);
            foreach (var o in item.Objects)
            {
                // 40 px item of 20 px source: the 8x12 opaque block scales to 16x24 (± interpolation edge)
                Assert.InRange(o.Box.Width, 15, 18);
                Assert.InRange(o.Box.Height, 23, 26);
                Assert.True(o.Box.IsInside(128, 128));
                // the centre of the box was painted (differs from the uniform background)
                int cx = (int)o.Box.CenterX, cy = (int)o.Box.CenterY, p = (cy * 128 + cx) * 3;
                Assert.NotEqual(30, image.Pixels[p] == 30 && image.Pixels[p + 1] == 30 && image.Pixels[p + 2] == 30 ? 30 : 0);
            }
        }
        var again = CompositeSynthesizer.Generate([Background], [Square("a"), Square("b")], 3, options).ToList();
        using var s1 = items[2].Open();
        using var s2 = again[2].Open();
        using var m1 = new MemoryStream();
        using var m2 = new MemoryStream();
        s1.CopyTo(m1);
        s2.CopyTo(m2);
        Assert.Equal(m1.ToArray(), m2.ToArray());
        Assert.Equal(items[2].Objects.Select(o => o.Box), again[2].Objects.Select(o => o.Box));
    }
}
