using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Data.Operations;

public sealed partial class DatasetOperations
{
    /// <summary>Most images one selection may name (a lasso on a map of at most 10,000 points fits).</summary>
    public const int MaxSelection = 100_000;

    /// <summary>
    /// Keeps exactly the images at <paramref name="indices"/> (positions in the source version; order and repeats do
    /// not matter) as a new version of <paramref name="target"/> (default: the source's dataset), with the source as
    /// its parent: the lineage of a hand-picked subset, such as a lasso on the version's map. Every index is checked
    /// before anything is written.
    /// </summary>
    public OperationResult Select(DatasetRef source, IReadOnlyList<int> indices, string? target)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, "select needs at least one image index", "indices");
        if (indices.Count > MaxSelection)
            throw new SeerException(ErrorCodes.InvalidInput, $"select names {indices.Count} images; at most {MaxSelection} at once", "indices");
        var snap = _workspace.OpenSnapshot(source);
        int n = snap.Images.Count;
        foreach (int i in indices)
            if (i < 0 || i >= n)
                throw new SeerException(ErrorCodes.InvalidInput, $"image index {i} is outside {snap} (0..{n - 1})", "indices");
        var chosen = indices.Distinct().Order().ToList();
        var images = chosen.Select(i => snap.Images[i]).ToList();
        var commit = _workspace.CommitCore(target ?? snap.Name, images, [snap.Version], "select",
            new { count = chosen.Count, indices = chosen }, snap.Classes, [], new Dictionary<string, string>());
        return new OperationResult([commit], [], []);
    }
}
