using Seer.Core.Annotations;

namespace Seer.Core.Interchange;

/// <summary>
/// One image as a format's importer read it: where its bytes are, its name inside the dataset, and its labels in
/// the source's own label names (the data plane maps them through the label space, probes and checks the image,
/// clips boxes, and stores it). Boxes are absolute pixels (<see cref="Geometry.BoxXyxy"/>).
/// </summary>
public sealed record ImportItem
{
    public ImportItem(string fileName, Func<Stream> open, string display)
    {
        FileName = fileName;
        Open = open;
        Display = display;
    }

    /// <summary>Relative name inside the dataset ('/' separators).</summary>
    public string FileName { get; init; }

    /// <summary>Opens the image bytes (called once, maybe on a worker thread).</summary>
    public Func<Stream> Open { get; init; }

    /// <summary>Path to show in messages (file in folder or zip entry).</summary>
    public string Display { get; init; }

    /// <summary>True when an annotation existed for this image (even with no objects).</summary>
    public bool IsLabelled { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<ObjectAnnotation> Objects { get; init; } = [];

    /// <summary>Image size as the annotation declared it, when it did (checked against the real image).</summary>
    public int? DeclaredWidth { get; init; }

    public int? DeclaredHeight { get; init; }

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
