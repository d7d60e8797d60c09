using Seer.Core.Errors;

namespace Seer.Formats.Common;

/// <summary>The bound on a declared class list (labels.txt, classes.txt, data.yaml names).</summary>
internal static class ClassLists
{
    /// <summary>Most classes a source may declare; far above any real label set (LVIS has 1,203, Open Images 20k).</summary>
    public const int MaxClasses = 65_536;

    /// <summary>Throws naming the file when a class list is longer than <see cref="MaxClasses"/>.</summary>
    public static T Check<T>(T names, string display) where T : IReadOnlyCollection<string>
    {
        if (names.Count > MaxClasses)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{display}: declares {names.Count} classes, over the limit of {MaxClasses}; is this really a class list?", display);
        return names;
    }
}
