using Seer.Core.Datasets;
using Seer.Imaging.Preprocess;

namespace Seer.Training.Data;

/// <summary>
/// Loads dataset images (blob → decode → a prepared form, e.g. resized) and keeps them in memory when the whole set
/// fits in the budget, so later epochs skip decoding. Thread-safe: workers fill slots concurrently.
/// </summary>
public sealed class ImageCache<T> where T : class
{
    private readonly DatasetSnapshot snapshot;
    private readonly Func<RgbImage, T> prepare;
    private readonly T?[]? slots;
    private readonly int minDecodeSize;

    /// <param name="minDecodeSize">When &gt; 0, large JPEGs decode at reduced scale but at least this size per side
    /// (<see cref="ScaledDecoder"/>, as the predictor does); use it when <paramref name="prepare"/> resizes to that size.</param>
    public ImageCache(DatasetSnapshot snapshot, Func<RgbImage, T> prepare, long bytesPerImage, long budgetBytes, int minDecodeSize = 0)
    {
        this.snapshot = snapshot;
        this.prepare = prepare;
        this.minDecodeSize = minDecodeSize;
        if (bytesPerImage * snapshot.Images.Count <= budgetBytes) slots = new T?[snapshot.Images.Count];
    }

    public bool IsCaching => slots is not null;

    public T Get(int imageIndex)
    {
        if (slots is not null && Volatile.Read(ref slots[imageIndex]) is { } hit) return hit;
        T value = prepare(Decode(snapshot, imageIndex, minDecodeSize, minDecodeSize, out _, out _));
        if (slots is not null) Volatile.Write(ref slots[imageIndex], value);
        return value;
    }

    public static RgbImage Decode(DatasetSnapshot snapshot, int imageIndex) => Decode(snapshot, imageIndex, 0, 0, out _, out _);

    /// <summary>
    /// Decodes an image, a large JPEG at reduced scale while at least <paramref name="minWidth"/> ×
    /// <paramref name="minHeight"/> (with <paramref name="fitInside"/>: at least its letterboxed size in that box);
    /// the out values are the file's image size (geometry is computed from them).
    /// </summary>
    public static RgbImage Decode(DatasetSnapshot snapshot, int imageIndex, int minWidth, int minHeight,
        out int originalWidth, out int originalHeight, bool fitInside = false)
    {
        ImageRecord record = snapshot.Images[imageIndex];
        byte[] bytes;
        using (Stream stream = snapshot.OpenImage(record))
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        return ImageDecoder.DecodeRgb(bytes, $"{snapshot}:{record.FileName}", minWidth, minHeight, out originalWidth, out originalHeight, fitInside);
    }
}
