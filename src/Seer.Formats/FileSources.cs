using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Sources;

namespace Seer.Formats;

/// <summary>Opens what a user points an import at: a folder or a .zip archive.</summary>
public static class FileSources
{
    /// <summary>
    /// A folder or a .zip. Zip entries that would leave the archive's root ('..', absolute paths, drive letters) or
    /// appear twice make this throw a <see cref="SeerException"/> naming the zip and the entry. Keep the source open
    /// while the import's items are read.
    /// </summary>
    public static IFileSource Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) return new FolderFileSource(path);
        if (File.Exists(path))
        {
            if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return new ZipFileSource(path);
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{path} is a file but not a .zip; point the import at a folder or a .zip archive", path);
        }
        throw new SeerException(ErrorCodes.NotFound, $"{path} does not exist", path);
    }
}
