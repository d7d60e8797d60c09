namespace Seer.Imaging.Preprocess;

/// <summary>
/// Converts RGB bytes to float CHW planes: (pixel / 255 - mean[c]) / std[c]. The per-channel constants are part of a
/// model's record so inference normalises exactly as training did.
/// </summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>ImageNet statistics, the common default.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Writes the image as 3 x H x W floats into <paramref name="destination"/> (length 3 * W * H).</summary>
    public void ToChw(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        int plane = image.Width * image.Height;
        if (destination.Length < plane * 3)
            throw new ArgumentException($"destination holds {destination.Length} floats, needs {plane * 3}", nameof(destination));
        byte[] px = image.Pixels;
        for (int c = 0; c < 3; c++)
        {
            float scale = 1f / (255f * Std[c]);
            float offset = -Mean[c] / Std[c];
            Span<float> dst = destination.Slice(c * plane, plane);
            for (int i = 0, j = c; i < plane; i++, j += 3) dst[i] = px[j] * scale + offset;
        }
    }
}
