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

    public ImageCache(DatasetSnapshot snapshot, Func<RgbImage, T> prepare, long bytesPerImage, long budgetBytes)
    {
        this.snapshot = snapshot;
        this.prepare = prepare;
        if (bytesPerImage * snapshot.Images.Count <= budgetBytes) slots = new T?[snapshot.Images.Count];
    }

    public bool IsCaching => slots is not null;

    public T Get(int imageIndex)
    {
        if (slots is not null && Volatile.Read(ref slots[imageIndex]) is { } hit) return hit;
        T value = prepare(Decode(snapshot, imageIndex));
        if (slots is not null) Volatile.Write(ref slots[imageIndex], value);
        return value;
    }

    public static RgbImage Decode(DatasetSnapshot snapshot, int imageIndex)
    {
        ImageRecord record = snapshot.Images[imageIndex];
        using Stream stream = snapshot.OpenImage(record);
        return ImageDecoder.DecodeRgb(stream, $"{snapshot}:{record.FileName}");
    }
}
