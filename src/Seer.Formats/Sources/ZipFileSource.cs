using System.IO.Compression;
using Seer.Core.Errors;
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
        lock (_gate)
        {
            try
            {
                var buffer = new MemoryStream(entry.Length is > 0 and < int.MaxValue ? (int)entry.Length : 0);
                using (var s = entry.Open()) s.CopyTo(buffer);
                buffer.Position = 0;
                return buffer;
            }
            catch (InvalidDataException e)
            {
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{Display(relativePath)} cannot be decompressed: {e.Message}", Display(relativePath), e);
            }
        }
    }

    public long Length(string relativePath) =>
        _entries.TryGetValue(relativePath, out var entry) ? entry.Length
            : throw new SeerException(ErrorCodes.NotFound, $"{Display(relativePath)} does not exist", Display(relativePath));

    public string Display(string relativePath) => $"{_name}!{relativePath}";

    public void Dispose() => _archive.Dispose();
}
