using Seer.Data.Labels;

namespace Seer.Data.Import;

/// <summary>How to import an <see cref="Core.Interchange.ImportRead"/> into the workspace.</summary>
public sealed record ImportRequest
{
    public ImportRequest(string dataset) => Dataset = dataset;

    /// <summary>Target dataset; the import becomes its new head version (its parent is the previous head).</summary>
    public string Dataset { get; init; }

    /// <summary>Source label → label to use instead (also recorded as an alias in the label space).</summary>
    public IReadOnlyDictionary<string, string> LabelMap { get; init; } = new Dictionary<string, string>();

    public UnknownLabelPolicy UnknownLabels { get; init; } = UnknownLabelPolicy.Add;

    /// <summary>Images above this many pixels are refused before any decode (decompression bombs).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Decode every image fully with OpenCV (slower; catches corrupt pixel data).</summary>
    public bool VerifyDecode { get; init; }

    /// <summary>Images read, checked, hashed and staged at once (I/O overlaps, so twice the cores).</summary>
    public int Parallelism { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Recorded in the version's parameters: the format name.</summary>
    public string Format { get; init; } = "";

    /// <summary>Recorded in the version's parameters: where the files came from (file or folder name).</summary>
    public string Source { get; init; } = "";
}
