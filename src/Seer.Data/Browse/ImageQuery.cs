using Seer.Core.Datasets;

namespace Seer.Data.Browse;

/// <summary>
/// One page request over a dataset version's images: filters (label, state, file-name text, one numeric field range),
/// a sort field and order, and the page window. Every filter is optional; the result's total counts the filtered images.
/// </summary>
public sealed record ImageQuery
{
    /// <summary>First row of the page within the filtered, sorted images (0-based).</summary>
    public int Offset { get; init; }

    /// <summary>Rows in the page (1..<see cref="ImageBrowser.MaxLimit"/>).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Images carrying this label as a tag or on an object (canonical label name).</summary>
    public string? Label { get; init; }

    /// <summary>"labelled" or "unlabelled"; null for both.</summary>
    public string? State { get; init; }

    /// <summary>Case-insensitive substring of the file name.</summary>
    public string? Text { get; init; }

    /// <summary>Sort field: index (the version's order, default), file_name, width, height, box_count, labelled, or a recorded field.</summary>
    public string? Sort { get; init; }

    /// <summary>"asc" (default) or "desc".</summary>
    public string? Order { get; init; }

    /// <summary>A numeric field to bound (built-in: width, height, box_count, index; or a recorded field).</summary>
    public string? Field { get; init; }

    /// <summary>Inclusive lower bound for <see cref="Field"/>.</summary>
    public double? Min { get; init; }

    /// <summary>Inclusive upper bound for <see cref="Field"/>.</summary>
    public double? Max { get; init; }
}

/// <summary>One image of a page: its position in the version, its record and its numeric fields (objects and every recorded field; null when a run has no value for it).</summary>
public sealed record BrowsedImage(int Index, ImageRecord Image, int Objects, IReadOnlyDictionary<string, double?> Fields);

/// <summary>A page of images: the filtered total, the offset asked for, and the rows.</summary>
public sealed record ImagePage(string Dataset, string Version, long Total, int Offset, IReadOnlyList<BrowsedImage> Images);

/// <summary>A recorded field run over a version: what was computed (field), how (method, settings, model) and when.</summary>
public sealed record FieldRun(long Id, string Version, string Field, string Method, string Settings, string? Model, DateTimeOffset CreatedAt, int Values);
