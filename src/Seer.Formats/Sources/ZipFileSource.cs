using System.IO.Compression;
using Seer.Core.Errors;
using Seer.Core.Files;
using Seer.Core.Interchange;

namespace Seer.Formats.Sources;

/// <summary>
/// The files of a .zip. Every entry name is checked when the archive opens: one that would leave the root ('..',
/// absolute, drive letter) or appears twice makes the whole source fail. Reads are serialised and buffered, so items
/// can be opened from worker threads.
/// </summary>
internal sealed class ZipFileSource : IFileSource
{
    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly string _name;

    public ZipFileSource(string zipPath)
    {
        Origin = Path.GetFullPath(zipPath);
        _name = Path.GetFileName(zipPath);
        try
        {
            _archive = ZipFile.OpenRead(Origin);
        }
        catch (InvalidDataException e)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"{zipPath} is not a readable zip archive: {e.Message}", zipPath, e);
        }
        try
        {
            foreach (var entry in _archive.Entries)
            {
                string raw = entry.FullName;
                if (raw.EndsWith('/') || raw.EndsWith('\\')) continue; // directory entry
                string? why = SourcePath.Unsafe(raw);
                if (why is not null)
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"zip {zipPath}: entry '{raw}' {why}; refusing the archive", zipPath);
                string name = SourcePath.Normalize(raw);
                if (!_entries.TryAdd(name, entry))
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"zip {zipPath}: entry '{name}' appears more than once; refusing the archive", zipPath);
            }
        }
        catch
        {
            _archive.Dispose();
            throw;
        }
        var files = _entries.Keys.ToList();
        files.Sort(StringComparer.Ordinal);
        Files = files;
    }

    public string Origin { get; }

    public IReadOnlyList<string> Files { get; }

    public bool Exists(string relativePath) => _entries.ContainsKey(relativePath);

    public Stream Open(string relativePath)
    {
        if (!_entries.TryGetValue(relativePath, out var entry))
            throw new SeerException(ErrorCodes.NotFound, $"{Display(relativePath)} does not exist", Display(relativePath));
        string display = Display(relativePath);
        // The central directory's size is checked before a byte is inflated, and the read stops one byte past it:
        // a small archive cannot make the import allocate gigabytes (zip bombs, or entries that lie about their size).
        if (entry.Length > InputFiles.MaxFileBytes)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{display} declares {entry.Length:N0} bytes, over the limit of {InputFiles.MaxFileBytes:N0} bytes for one file", display);
        lock (_gate)
        {
            try
            {
                var buffer = new byte[entry.Length];
                using (var s = entry.Open())
                {
                    int read = 0;
                    while (read < buffer.Length)
                    {
                        int n = s.Read(buffer, read, buffer.Length - read);
                        if (n == 0) throw new InvalidDataException($"the entry ends after {read:N0} of its declared {entry.Length:N0} bytes");
                        read += n;
                    }
                    if (s.ReadByte() >= 0)
                        throw new InvalidDataException($"the entry inflates beyond its declared size of {entry.Length:N0} bytes (a zip bomb or a damaged archive)");
                }
                return new MemoryStream(buffer, writable: false);
            }
            catch (InvalidDataException e)
            {
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{display} cannot be decompressed: {e.Message}", display, e);
            }
        }
    }

    public long Length(string relativePath) =>
        _entries.TryGetValue(relativePath, out var entry) ? entry.Length
            : throw new SeerException(ErrorCodes.NotFound, $"{Display(relativePath)} does not exist", Display(relativePath));

    public string Display(string relativePath) => $"{_name}!{relativePath}";

    public void Dispose() => _archive.Dispose();
}
