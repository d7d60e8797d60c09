using Seer.Core.Datasets;
using Seer.Imaging.Synthesis;

namespace Seer.Data.Synthesis;

/// <summary>
/// What <see cref="DatasetSynthesis"/> builds: <see cref="Count"/> images of <see cref="Composite"/>'s size, made of
/// item crops from the classification version <see cref="Items"/> (only the <see cref="Classes"/> given, or all of
/// its classes) pasted onto random crops of the photos in <see cref="BackgroundsFolder"/>; written as the new head of
/// <see cref="Dataset"/>.
/// </summary>
public sealed record SynthesisRequest(string Dataset, string BackgroundsFolder, DatasetRef Items)
{
    /// <summary>Item classes to use (tags of the items version); null or empty = all of its classes.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    public int Count { get; init; } = 1000;

    /// <summary>Canvas size, object sizes, objects per image, overlap, encoding and seed.</summary>
    public CompositeOptions Composite { get; init; } = new();

    /// <summary>Images composed at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}
