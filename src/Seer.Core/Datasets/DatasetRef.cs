using Seer.Core.Errors;

namespace Seer.Core.Datasets;

/// <summary>A reference to a dataset version as users write it: <c>NAME</c> (the latest) or <c>NAME@VERSION</c>.</summary>
public readonly record struct DatasetRef(string Name, string? Version)
{
    public static DatasetRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('@', StringComparison.Ordinal);
        string name = at < 0 ? text : text[..at];
        string? version = at < 0 ? null : text[(at + 1)..];
        if (name.Length == 0 || (version is not null && version.Length == 0))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"'{text}' is not a dataset reference; write NAME or NAME@VERSION");
        return new DatasetRef(name, version);
    }

    public override string ToString() => Version is null ? Name : $"{Name}@{Version}";
}
