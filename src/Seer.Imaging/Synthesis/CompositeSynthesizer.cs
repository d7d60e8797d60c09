using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Core.Randomness;
using Seer.Imaging.Preprocess;

namespace Seer.Imaging.Synthesis;

/// <summary>
/// Makes a detection set from real pieces: items (digits, Fashion-MNIST) are scaled and alpha-blended onto random
/// crops of real photos. An item's dark background is transparency: opacity rises steeply with brightness (grey × 3),
/// so the object's silhouette is opaque and keeps its own texture (brightness, tinted by a random colour), while the
/// black square around it lets the photo through. Every box is the exact extent of the pasted pixels (opacity above
/// 1/4); objects of one image overlap at most <see cref="CompositeOptions.MaxOverlap"/> (IoU). Seeded: the same
/// inputs and seed give the same bytes. Produces <see cref="ImportItem"/>s (encoded bytes in memory + objects).
/// </summary>
public static class CompositeSynthesizer
{
    public static IEnumerable<ImportItem> Generate(IReadOnlyList<RgbImage> backgrounds, IReadOnlyList<SynthesisItem> items,
        int count, CompositeOptions options, string prefix = "synth")
    {
        ArgumentNullException.ThrowIfNull(backgrounds);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        if (backgrounds.Count == 0) throw new ArgumentException("at least one background photo is needed", nameof(backgrounds));
        if (items.Count == 0) throw new ArgumentException("at least one item is needed", nameof(items));
        for (int i = 0; i < count; i++) yield return Compose(backgrounds, items, i, options, prefix);
    }

    /// <summary>
    /// The <paramref name="index"/>-th image of a synthesis (its own seeded random stream, so images can be made in
    /// parallel and in any order with the same result), named <c>prefix/000123.ext</c>.
    /// </summary>
    public static ImportItem Compose(IReadOnlyList<RgbImage> backgrounds, IReadOnlyList<SynthesisItem> items, int index,
        CompositeOptions options, string prefix = "synth")
    {
        ArgumentNullException.ThrowIfNull(backgrounds);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        var rng = StableRandom.For(options.Seed, index); // the same scene in every process
        var (bytes, objects) = Compose(backgrounds, items, options, rng);
        string name = $"{prefix}/{index:D6}{options.Encoding}";
        return new ImportItem(name, () => new MemoryStream(bytes, writable: false), name)
        {
            IsLabelled = true,
            Objects = objects,
            DeclaredWidth = options.Width,
            DeclaredHeight = options.Height,
        };
    }

    private static (byte[] Bytes, List<ObjectAnnotation> Objects) Compose(IReadOnlyList<RgbImage> backgrounds,
        IReadOnlyList<SynthesisItem> items, CompositeOptions o, Random rng)
    {
        RgbImage canvas = BackgroundCrop(backgrounds[rng.Next(backgrounds.Count)], o.Width, o.Height, rng);
        var objects = new List<ObjectAnnotation>();
        int wanted = rng.Next(o.MinObjects, o.MaxObjects + 1);
        for (int attempt = 0; attempt < wanted * 10 && objects.Count < wanted; attempt++)
        {
            SynthesisItem item = items[rng.Next(items.Count)];
            int side = rng.Next(o.MinSize, o.MaxSize + 1);
            int w = Math.Max(4, side * item.Width / Math.Max(item.Width, item.Height));
            int h = Math.Max(4, side * item.Height / Math.Max(item.Width, item.Height));
            if (w >= o.Width || h >= o.Height) continue;
            int x = rng.Next(0, o.Width - w), y = rng.Next(0, o.Height - h);
            byte[] alpha = ScaleGrey(item, w, h);
            BoxXyxy? extent = Extent(alpha, w, h, x, y);
            if (extent is not BoxXyxy box || objects.Any(ob => BoxXyxy.IoU(ob.Box, box) > o.MaxOverlap)) continue;
            // a random tint, bright enough that the item's texture stays visible
            var colour = new byte[3];
            for (int c = 0; c < 3; c++) colour[c] = (byte)rng.Next(80, 256);
            Blend(canvas, alpha, w, h, x, y, colour);
            objects.Add(new ObjectAnnotation(item.Label, box));
        }
        using Mat rgb = MatConvert.ToMat(canvas);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(o.Encoding, bgr, out byte[] bytes);
        return (bytes, objects);
    }

    private static RgbImage BackgroundCrop(RgbImage photo, int width, int height, Random rng)
    {
        double scale = Math.Max((double)width / photo.Width, (double)height / photo.Height) * (1 + rng.NextDouble());
        int sw = Math.Max(width, (int)Math.Ceiling(photo.Width * scale)), sh = Math.Max(height, (int)Math.Ceiling(photo.Height * scale));
        RgbImage scaled = Resize.To(photo, sw, sh);
        int x0 = rng.Next(0, sw - width + 1), y0 = rng.Next(0, sh - height + 1);
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            Buffer.BlockCopy(scaled.Pixels, ((y0 + y) * sw + x0) * 3, pixels, y * width * 3, width * 3);
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Opacity of an item pixel from its brightness: the dark background is transparent, the body opaque.</summary>
    internal static int Opacity(int grey) => Math.Min(255, grey * 3);

    private static byte[] ScaleGrey(SynthesisItem item, int w, int h)
    {
        using var src = new Mat(item.Height, item.Width, MatType.CV_8UC1);
        System.Runtime.InteropServices.Marshal.Copy(item.Grey, 0, src.Data, item.Grey.Length);
        using var dst = new Mat();
        Cv2.Resize(src, dst, new Size(w, h), 0, 0, InterpolationFlags.Linear);
        var result = new byte[w * h];
        using Mat cont = dst.IsContinuous() ? dst : dst.Clone();
        System.Runtime.InteropServices.Marshal.Copy(cont.Data, result, 0, result.Length);
        return result;
    }

    /// <summary>The tight box (continuous corners) of pixels with opacity above 1/4, placed at (x, y); null if none.</summary>
    internal static BoxXyxy? Extent(byte[] alpha, int w, int h, int x, int y)
    {
        int x1 = int.MaxValue, y1 = int.MaxValue, x2 = -1, y2 = -1;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                if (Opacity(alpha[r * w + c]) > 64) { x1 = Math.Min(x1, c); y1 = Math.Min(y1, r); x2 = Math.Max(x2, c); y2 = Math.Max(y2, r); }
        if (x2 < 0 || x2 - x1 < 2 || y2 - y1 < 2) return null;
        return new BoxXyxy(x + x1, y + y1, x + x2 + 1, y + y2 + 1);
    }

    /// <summary>Pastes the item: opacity from <see cref="Opacity"/>, colour = tint × (0.25 + 0.75 × brightness).</summary>
    private static void Blend(RgbImage canvas, byte[] grey, int w, int h, int x, int y, byte[] tint)
    {
        byte[] px = canvas.Pixels;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                int g = grey[r * w + c];
                int a = Opacity(g);
                if (a == 0) continue;
                int o = ((y + r) * canvas.Width + x + c) * 3;
                for (int k = 0; k < 3; k++)
                {
                    int colour = tint[k] * (85 + g) / 340; // tint · (0.25 + 0.75 · g/255)
                    px[o + k] = (byte)((px[o + k] * (255 - a) + Math.Min(255, colour) * a + 127) / 255);
                }
            }
    }
}
