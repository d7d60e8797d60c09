namespace Seer.Data.Labels;

/// <summary>
/// The workspace's one label space: canonical label names and aliases that map other spellings to them
/// ("person" ← "pedestrian"). Resolving a name gives its canonical label, or null when the name is unknown.
/// </summary>
public sealed class LabelSpace
{
    private readonly HashSet<string> _labels;
    private readonly Dictionary<string, string> _aliases;

    public LabelSpace(IReadOnlyList<string> labels, IReadOnlyDictionary<string, string> aliases)
    {
        Labels = labels;
        Aliases = aliases;
        _labels = new HashSet<string>(labels, StringComparer.Ordinal);
        _aliases = new Dictionary<string, string>(aliases, StringComparer.Ordinal);
    }

    public static LabelSpace Empty { get; } = new([], new Dictionary<string, string>());

    /// <summary>Canonical labels in the order they were added.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Alias → canonical label.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; }

    /// <summary>
    /// The canonical label for a name: through an alias when there is one (an alias added later for a label that
    /// used to be canonical wins, which is how classes are merged), else the name itself when known, else null.
    /// </summary>
    public string? Resolve(string name)
    {
        if (_aliases.TryGetValue(name, out var canonical)) return canonical;
        return _labels.Contains(name) ? name : null;
    }

    public bool Contains(string canonical) => _labels.Contains(canonical);
}
