using Seer.Core.Storage;

namespace Seer.Core.Datasets;

/// <summary>
/// The content of one dataset version, ready to read: its images with their annotations, its class list (ordered,
/// the index is the class id models use), and the blob store that holds the image bytes.
/// Training, evaluation, export and mining read datasets through this type only.
/// </summary>
public sealed class DatasetSnapshot
{
    public DatasetSnapshot(string name, string version, IReadOnlyList<string> classes,
        IReadOnlyList<ImageRecord> images, IBlobReader blobs)
    {
        Name = name;
        Version = version;
        Classes = classes;
        Images = images;
        Blobs = blobs;
    }

    public string Name { get; }
    public string Version { get; }

    /// <summary>Class names in id order.</summary>
    public IReadOnlyList<string> Classes { get; }

    public IReadOnlyList<ImageRecord> Images { get; }

    public IBlobReader Blobs { get; }

    /// <summary>Opens an image's bytes for reading.</summary>
    public Stream OpenImage(ImageRecord image) => Blobs.OpenRead(image.ContentHash);

    public override string ToString() => $"{Name}@{Version}";
}
