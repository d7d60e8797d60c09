using Seer.Core.Annotations;

namespace Seer.Core.Datasets;

/// <summary>
/// One image of a dataset version: its content (by SHA-256 of the file bytes), its name inside the dataset,
/// its size, and its annotations. Classification labels are <see cref="Tags"/>; detection labels are
/// <see cref="Objects"/>. <see cref="IsLabelled"/> is false for images of a mining pool (no annotation at all),
/// and true for a labelled image that simply has no objects (a negative).
/// </summary>
public sealed record ImageRecord
{
    public ImageRecord(string contentHash, string fileName, int width, int height)
    {
        ContentHash = contentHash;
        FileName = fileName;
        Width = width;
        Height = height;
    }

    /// <summary>Lower-case hex SHA-256 of the image file's bytes; the image's identity and blob key.</summary>
    public string ContentHash { get; init; }

    /// <summary>Relative path inside the dataset with '/' separators, e.g. <c>JPEGImages/2007_000032.jpg</c>.</summary>
    public string FileName { get; init; }

    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>True when the image carries labels (possibly zero objects); false for unlabelled pool images.</summary>
    public bool IsLabelled { get; init; }

    /// <summary>Image-level class labels (classification).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Objects (detection).</summary>
    public IReadOnlyList<ObjectAnnotation> Objects { get; init; } = [];

    /// <summary>Free image attributes (source format extras such as VOC's segmented flag or LabelMe flags).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = ObjectAnnotation.EmptyAttributes;
}
