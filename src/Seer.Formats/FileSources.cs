using Seer.Core.Errors;
using Seer.Core.Files;
using Seer.Core.Interchange;
using Seer.Formats.Sources;
using Seer.Imaging;

namespace Seer.Formats;

/// <summary>Opens what a user points an import at: a folder or a .zip archive.</summary>
public static class FileSources
{
    /// <summary>Image formats people try to import that Seer does not decode; reported as rejected instead of ignored.</summary>
    private static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".tif"] = "TIFF", [".tiff"] = "TIFF", [".heic"] = "HEIC", [".heif"] = "HEIF", [".avif"] = "AVIF", [".jp2"] = "JPEG 2000",
        [".jxl"] = "JPEG XL", [".dng"] = "DNG raw", [".cr2"] = "Canon raw", [".nef"] = "Nikon raw", [".psd"] = "Photoshop",
        [".svg"] = "SVG", [".ppm"] = "PPM", [".pgm"] = "PGM", [".exr"] = "OpenEXR", [".ico"] = "ICO",
    };

    /// <summary>
    /// A folder or a .zip. Zip entries that would leave the archive's root ('..', absolute paths, drive letters) or
    /// appear twice make this throw a <see cref="SeerException"/> naming the zip and the entry. Keep the source open
    /// while the import's items are read. The folder walk, and every read of the source's files (annotation files,
    /// image bytes), stop when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static IFileSource Open(string path, CancellationToken cancellationToken = default)
    {
        var source = OpenUncancellable(path, cancellationToken);
        return cancellationToken.CanBeCanceled ? new CancellableFileSource(source, cancellationToken) : source;
    }

    /// <summary>
    /// <see cref="Read(IDatasetImporter, IFileSource, ImportOptions)"/> on a worker, returning (OperationCanceledException)
    /// as soon as <paramref name="cancellationToken"/> fires, even while a read of a stalled source (a network mount,
    /// a pipe) blocks that worker: a cancelled job and a shutting-down server do not wait for it.
    /// </summary>
    public static Task<ImportRead> ReadAsync(IDatasetImporter importer, IFileSource source, ImportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(importer);
        ArgumentNullException.ThrowIfNull(source);
        if (cancellationToken.CanBeCanceled && source is not CancellableFileSource) source = new CancellableFileSource(source, cancellationToken);
        return Task.Run(() => Read(importer, source, options), cancellationToken).WaitAsync(cancellationToken);
    }

    private static IFileSource OpenUncancellable(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        InputFiles.RequirePathLength(path, "import source");
        if (Directory.Exists(path)) return new FolderFileSource(path, cancellationToken);
        if (File.Exists(path))
        {
            if (!path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{path} is a file but not a .zip; point the import at a folder or a .zip archive", path);
            InputFiles.RequireRegular(path, "zip archive");
            try
            {
                return new ZipFileSource(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SeerException(ErrorCodes.InvalidInput, $"{path} cannot be read: {e.Message}", path, e);
            }
        }
        if (InputFiles.KindOf(path, followLinks: false, out _, out _, out _) == FileKind.SymbolicLink)
            throw new SeerException(ErrorCodes.InvalidInput, $"{path}: {InputFiles.NotRegularReason(path)}", path);
        throw new SeerException(ErrorCodes.NotFound, $"{path} does not exist", path);
    }

    /// <summary>
    /// Reads a source with an importer and adds to the read's rejected items what the source skipped (pipes, link
    /// loops, unreadable folders) and the image files in formats Seer does not decode, so nothing is left out silently.
    /// </summary>
    public static ImportRead Read(IDatasetImporter importer, IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(importer);
        ArgumentNullException.ThrowIfNull(source);
        var read = importer.Read(source, options);
        foreach (var issue in source.Skipped) read.Rejected.Enqueue(issue);
        foreach (var file in source.Files)
            if (Unsupported.TryGetValue(Path.GetExtension(file), out var kind))
                read.Rejected.Enqueue(new ItemIssue(source.Display(file),
                    $"{kind} images are not supported (supported: {string.Join(", ", ImageProbe.ImageExtensions)}); convert it to import it"));
        return read;
    }
}
