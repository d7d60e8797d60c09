using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Formats.Sources;

namespace Seer.Formats.Common;

/// <summary>
/// An export's output: everything is written into a temporary sibling folder that is renamed into place by
/// <see cref="Commit"/>, so a failed export leaves no half-written folder. The target must not exist or be empty.
/// </summary>
internal sealed class ExportFolder : IDisposable
{
    private readonly string _target;
    private bool _committed;

    public ExportFolder(string outputDirectory)
    {
        _target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory));
        if (File.Exists(_target))
            throw new SeerException(ErrorCodes.Conflict, $"{outputDirectory} is a file; export needs a folder", outputDirectory);
        if (Directory.Exists(_target) && Directory.EnumerateFileSystemEntries(_target).Any())
            throw new SeerException(ErrorCodes.Conflict,
                $"{outputDirectory} exists and is not empty; export into a new or empty folder", outputDirectory);
        string parent = Path.GetDirectoryName(_target) ?? ".";
        Root = Path.Combine(parent, $".{Path.GetFileName(_target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot write the export to {outputDirectory}: {e.Message}", outputDirectory, e);
        }
    }

    /// <summary>The temporary folder to write into.</summary>
    public string Root { get; }

    /// <summary>Full path of a relative '/'-separated name inside the temporary folder, creating its folder.</summary>
    public string PathFor(string relative)
    {
        string full = Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Copies an image's bytes to a relative path inside the export.</summary>
    public void CopyImage(DatasetSnapshot snapshot, ImageRecord image, string relative)
    {
        if (!SourcePath.IsSafeRelative(relative))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"image '{image.FileName}' has a file name that cannot be written safely ('{relative}')", image.FileName);
        string destination = PathFor(relative);
        string? local = snapshot.Blobs.TryGetLocalPath(image.ContentHash);
        if (local is not null)
        {
            File.Copy(local, destination, overwrite: false);
            return;
        }
        using var source = snapshot.OpenImage(image);
        using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        source.CopyTo(target);
    }

    /// <summary>Writes a text file (UTF-8, no BOM) inside the export.</summary>
    public void WriteText(string relative, string text) =>
        File.WriteAllText(PathFor(relative), text, new System.Text.UTF8Encoding(false));

    /// <summary>Flushes nothing more: renames the temporary folder to the target.</summary>
    public void Commit()
    {
        if (Directory.Exists(_target)) Directory.Delete(_target);
        Directory.Move(Root, _target);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temporary folder is hidden and named as such
        }
    }
}
