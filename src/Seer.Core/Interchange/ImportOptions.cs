namespace Seer.Core.Interchange;

/// <summary>Settings of an import read.</summary>
public sealed record ImportOptions
{
    /// <summary>Images above this many pixels are refused (decompression bombs). Default 100 megapixels.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>For formats with a choice of annotation file (COCO), the file to read; null to find it.</summary>
    public string? AnnotationFile { get; init; }
}
