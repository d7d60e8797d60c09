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
    /// while the import's items are read. The folder walk stops when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static IFileSource Open(string path, CancellationToken cancellationToken = default)
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
