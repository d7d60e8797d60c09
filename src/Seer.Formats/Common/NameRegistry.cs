namespace Seer.Formats.Common;

/// <summary>Dataset file names already produced by one read: a second image with the same name is rejected.</summary>
internal sealed class NameRegistry
{
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary>True when the name is new; otherwise <paramref name="firstDisplay"/> says where it was first seen.</summary>
    public bool TryAdd(string fileName, string display, out string firstDisplay)
    {
        if (_seen.TryGetValue(fileName, out var first))
        {
            firstDisplay = first;
            return false;
        }
        _seen[fileName] = display;
        firstDisplay = display;
        return true;
    }

    public bool Contains(string fileName) => _seen.ContainsKey(fileName);

    /// <summary>The rejection reason for a duplicate.</summary>
    public static string DuplicateReason(string fileName, string firstDisplay) =>
        $"duplicate file name '{fileName}' (already imported from {firstDisplay})";
}
