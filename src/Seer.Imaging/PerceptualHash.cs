using System.Numerics;
using OpenCvSharp;

namespace Seer.Imaging;

/// <summary>
/// A 64-bit DCT perceptual hash (pHash): grey image → 32×32 (area resampling) → 2-D DCT → the 8×8 lowest
/// frequencies without the DC term's influence on the threshold → one bit per coefficient, set when it is above
/// the median. Re-encoding, resizing and small edits change few bits; different images differ in about half.
/// Compare with <see cref="Distance"/> (Hamming distance, 0–64).
/// </summary>
public static class PerceptualHash
{
    /// <summary>Hashes an encoded image (JPEG, PNG, ...). Throws <see cref="InvalidDataException"/> when it cannot be decoded.</summary>
    public static ulong Compute(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        // Reduced decoding (1/2..1/8 scale inside the JPEG decoder) is enough for a 32x32 thumbnail and much faster.
        using var probe = new MemoryStream(encoded, writable: false);
        var mode = ImreadModes.Grayscale;
        if (ImageProbe.TryRead(probe, out var header, out _))
        {
            int side = Math.Min(header.Width, header.Height);
            mode = side >= 512 ? ImreadModes.ReducedGrayscale8 : side >= 256 ? ImreadModes.ReducedGrayscale4 : side >= 128 ? ImreadModes.ReducedGrayscale2 : ImreadModes.Grayscale;
        }
        using var grey = Cv2.ImDecode(encoded, mode);
        if (grey.Empty()) throw new InvalidDataException("image cannot be decoded for perceptual hashing");
        return Compute(grey);
    }

    /// <summary>Hashes a decoded single-channel 8-bit image.</summary>
    public static ulong Compute(Mat grey)
    {
        ArgumentNullException.ThrowIfNull(grey);
        using var small = new Mat();
        Cv2.Resize(grey, small, new Size(32, 32), 0, 0, InterpolationFlags.Area);
        using var f = new Mat();
        small.ConvertTo(f, MatType.CV_32F);
        using var dct = new Mat();
        Cv2.Dct(f, dct);
        Span<float> coeffs = stackalloc float[64];
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                coeffs[y * 8 + x] = dct.At<float>(y, x);
        // Median of the 63 AC coefficients (the DC term only encodes mean brightness).
        Span<float> sorted = stackalloc float[63];
        coeffs[1..].CopyTo(sorted);
        sorted.Sort();
        float median = sorted[31];
        ulong hash = 0;
        for (int i = 0; i < 64; i++)
            if (coeffs[i] > median) hash |= 1UL << i;
        return hash;
    }

    /// <summary>Hamming distance between two hashes (number of differing bits).</summary>
    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);
}
