using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;

namespace Seer.Formats.Common;

/// <summary>
/// Collects what an export cannot carry, per image: counts of each kind ("2 polygons", "1 crowd flag") become one
/// <see cref="ItemIssue"/> per image, so nothing is dropped silently and the report stays readable.
/// </summary>
internal sealed class LossLog(string format)
{
    private readonly List<ItemIssue> _lost = [];
    private readonly SortedDictionary<string, int> _current = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    public IReadOnlyList<ItemIssue> Lost => _lost;

    /// <summary>Counts one lost thing of a kind for the current image ("polygon", "crowd flag", ...).</summary>
    public void Count(string kind, int n = 1)
    {
        if (n <= 0) return;
        _current[kind] = _current.GetValueOrDefault(kind) + n;
    }

    /// <summary>A free-text loss for the current image.</summary>
    public void Note(string text) => _notes.Add(text);

    /// <summary>Counts the object fields a format has no place for.</summary>
    public void CountObject(ObjectAnnotation o, bool polygons, bool crowd, bool difficultTruncated, bool area,
        bool score, bool attributes)
    {
        if (!polygons && o.Polygons.Count > 0) Count("polygon", o.Polygons.Count);
        if (!crowd && o.IsCrowd) Count("crowd flag");
        if (!difficultTruncated && o.Difficult) Count("difficult flag");
        if (!difficultTruncated && o.Truncated) Count("truncated flag");
        if (!area && o.Area is not null) Count("area value");
        if (!score && o.Score is not null) Count("score");
        if (!attributes && o.Attributes.Count > 0) Count("object attribute", o.Attributes.Count);
    }

    /// <summary>Ends the current image: records its losses, if any, under its file name.</summary>
    public void EndImage(ImageRecord image)
    {
        if (_current.Count == 0 && _notes.Count == 0) return;
        var parts = _current.Select(kv => $"{kv.Value} {kv.Key}{(kv.Value == 1 ? "" : "s")}").Concat(_notes);
        _lost.Add(new ItemIssue(image.FileName, $"{format} cannot hold: {string.Join(", ", parts)}"));
        _current.Clear();
        _notes.Clear();
    }
}
