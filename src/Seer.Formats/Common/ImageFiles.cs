using Seer.Core.Interchange;
using Seer.Imaging;

namespace Seer.Formats.Common;

/// <summary>Finding image files in a source.</summary>
internal static class ImageFiles
{
    /// <summary>Image files (by extension) of the source, ordinal order.</summary>
    public static IEnumerable<string> In(IFileSource source) => source.Files.Where(ImageProbe.HasImageExtension);

    /// <summary>The first existing path among "stem + image extension", or null.</summary>
    public static string? FindByStem(IFileSource source, string stem)
    {
        foreach (var ext in new[] { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".JPG", ".JPEG", ".PNG" })
            if (source.Exists(stem + ext)) return stem + ext;
        return null;
    }

    /// <summary>An import item for a file of the source.</summary>
    public static ImportItem Item(IFileSource source, string path, string fileName) =>
        new(fileName, () => source.Open(path), source.Display(path));
}
