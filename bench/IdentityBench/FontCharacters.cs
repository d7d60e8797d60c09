using SkiaSharp;

namespace IdentityBench;

/// <summary>
/// Identities for the bench: characters rendered from the fonts Debian packages (fonts-dejavu, fonts-liberation,
/// fonts-freefont-ttf, fonts-noto-core; scripts/apt-packages.txt). An identity is one character (code point); its
/// instances vary in font (any installed font that has the glyph), size, rotation, position, contrast and noise.
/// Everything is generated deterministically from a seed and the sorted font list.
/// </summary>
internal sealed class FontCharacters
{
    private readonly List<SKTypeface> fonts = [];
    private readonly List<SKFont> measures = []; // each typeface at 100 px, for glyph look-ups and ink bounds
    private readonly List<string> fontPaths = [];
    private readonly Dictionary<int, List<int>> fontsOf = []; // code point → indices of fonts that have its glyph

    public FontCharacters(string root = "/usr/share/fonts")
    {
        foreach (string path in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                     .Where(p => p.EndsWith(".ttf", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".otf", StringComparison.OrdinalIgnoreCase))
                     .Where(p => !Path.GetFileName(p).Contains("Math", StringComparison.Ordinal)) // TeX math fonts: odd metrics
                     .Order(StringComparer.Ordinal))
        {
            var typeface = SKTypeface.FromFile(path);
            if (typeface is null) continue;
            fonts.Add(typeface);
            measures.Add(new SKFont(typeface, 100));
            fontPaths.Add(path);
        }
    }

    public int FontCount => fonts.Count;

    /// <summary>Fonts with a glyph for at least one chosen identity.</summary>
    public int FontsUsed { get; private set; }

    /// <summary>
    /// Candidate characters (printable ASCII; Latin, Greek, Cyrillic letters without diacritics; arrows, math
    /// operators, letterlike and currency symbols, geometric shapes) that at least <paramref name="minFonts"/> fonts
    /// draw, minus look-alikes: a character whose shape in DejaVu Sans, fitted to its box, is within
    /// <paramref name="minDifference"/> (mean absolute grey difference in [0, 1]) of one already kept is dropped
    /// (o/O/0, Latin/Greek/Cyrillic homoglyphs, c/C...). Returns code points in a fixed order.
    /// </summary>
    public List<int> Identities(int minFonts, double minDifference)
    {
        var ranges = new (int From, int To)[]
        {
            (0x21, 0x7E), (0xA1, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x20A0, 0x20BF), (0x2100, 0x214F),
            (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF),
        };
        int reference = fontPaths.FindIndex(p => p.EndsWith("/DejaVuSans.ttf", StringComparison.Ordinal));
        if (reference < 0) throw new InvalidOperationException("DejaVuSans.ttf not found: run scripts/install-deps.sh (fonts-dejavu-core)");
        var kept = new List<int>();
        var shapes = new List<float[]>();
        foreach (var (from, to) in ranges)
            for (int cp = from; cp <= to; cp++)
            {
                if (char.IsControl((char)cp) || char.IsWhiteSpace((char)cp)) continue;
                string s = char.ConvertFromUtf32(cp);
                if (s.Normalize(System.Text.NormalizationForm.FormD).Length > 1) continue; // accented: near-duplicates of the base letter
                var have = new List<int>();
                for (int f = 0; f < fonts.Count; f++)
                    if (measures[f].ContainsGlyph(cp) && InkBounds(measures[f], s) is { Width: > 0.5f, Height: > 0.5f }) have.Add(f);
                if (have.Count < minFonts || !have.Contains(reference)) continue;
                float[] shape = Render(reference, s, 24, 0, 0, 0, 1, 255, 0, 0, null);
                if (shapes.Any(o => MeanAbsDiff(o, shape) < minDifference)) continue;
                kept.Add(cp);
                shapes.Add(shape);
                fontsOf[cp] = have;
            }
        FontsUsed = kept.SelectMany(c => fontsOf[c]).Distinct().Count();
        return kept;
    }

    /// <summary>Instance <paramref name="instance"/> of identity <paramref name="cp"/>: <paramref name="size"/>² grey bytes.</summary>
    public byte[] Instance(int cp, int instance, int size, int seed)
    {
        var rng = new Random(unchecked(seed * 1_000_003 + cp * 7919 + instance * 31) & 0x7fffffff); // seeded: the same in every process
        var have = fontsOf[cp];
        int font = have[rng.Next(have.Count)];
        float fill = 0.62f + 0.26f * (float)rng.NextDouble();            // glyph box height as a share of the image
        float angle = (float)(rng.NextDouble() * 20 - 10);               // degrees
        float dx = (float)(rng.NextDouble() * 4 - 2), dy = (float)(rng.NextDouble() * 4 - 2);
        byte fg = (byte)rng.Next(170, 256), bg = (byte)rng.Next(0, 60);
        float[] pixels = Render(font, char.ConvertFromUtf32(cp), size, angle, dx, dy, fill, fg, bg, 10, rng);
        var bytes = new byte[size * size];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(pixels[i] * 255), 0, 255);
        return bytes;
    }

    private static SKRect InkBounds(SKFont font, string s)
    {
        font.MeasureText(s, out SKRect bounds);
        return bounds;
    }

    /// <summary>The glyph fitted into <paramref name="fill"/> of a size² image (aspect kept), rotated, shifted; grey in [0, 1].</summary>
    private float[] Render(int fontIndex, string s, int size, float angle, float dx, float dy, float fill, byte fg, byte bg,
        double noise, Random? rng)
    {
        using var font = new SKFont(fonts[fontIndex], 100) { Edging = SKFontEdging.Antialias, Subpixel = true };
        font.MeasureText(s, out SKRect bounds);
        float scale = fill * size / Math.Max(bounds.Width, bounds.Height);
        var info = new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = new SKColor(fg, fg, fg), IsAntialias = true })
        {
            canvas.Clear(new SKColor(bg, bg, bg));
            canvas.Translate(size / 2f + dx, size / 2f + dy);
            canvas.RotateDegrees(angle);
            canvas.Scale(scale);
            canvas.DrawText(s, -bounds.MidX, -bounds.MidY, SKTextAlign.Left, font, paint);
        }
        var span = bitmap.GetPixelSpan();
        var result = new float[size * size];
        for (int i = 0; i < result.Length; i++)
        {
            double v = span[i];
            if (rng is not null && noise > 0)
            {
                // Box-Muller Gaussian noise, σ = noise grey levels.
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                v += noise * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
            result[i] = (float)Math.Clamp(v / 255, 0, 1);
        }
        return result;
    }

    private static double MeanAbsDiff(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / a.Length;
    }
}
