using Seer.Core.Errors;
using Seer.Core.Files;
using Seer.Core.Interchange;

namespace Seer.Formats.Sources;

/// <summary>
/// The regular files under a folder (hidden files and folders skipped). The walk is Seer's own so that nothing it
/// lists can block or loop: named pipes, sockets and devices are left out, symbolic links to folders are followed
/// only when they do not lead back into a folder already on the walk, dangling links and link loops are left out,
/// and folders that cannot be read are left out; each of those is listed in <see cref="Skipped"/> with the reason.
/// Reads are bounded: a file over <see cref="InputFiles.MaxFileBytes"/> is refused when opened.
/// </summary>
internal sealed class FolderFileSource : IFileSource
{
    private readonly string _root;
    private readonly HashSet<string> _set;
    private readonly List<ItemIssue> _skipped = [];

    public FolderFileSource(string root, CancellationToken cancellationToken = default)
    {
        _root = Path.GetFullPath(root);
        if (!System.IO.Directory.Exists(_root))
            throw new SeerException(ErrorCodes.NotFound, $"folder '{root}' does not exist", root);
        var files = new List<string>();
        var onPath = new HashSet<(ulong, ulong)>();
        InputFiles.KindOf(_root, followLinks: true, out ulong dev, out ulong ino, out _);
        onPath.Add((dev, ino));
        Walk(_root, "", onPath, files, cancellationToken);
        files.Sort(StringComparer.Ordinal);
        Files = files;
        _set = new HashSet<string>(files, StringComparer.Ordinal);
    }

    public string Origin => _root;

    public IReadOnlyList<string> Files { get; }

    public IReadOnlyList<ItemIssue> Skipped => _skipped;

    public bool Exists(string relativePath) => _set.Contains(relativePath);

    public Stream Open(string relativePath)
    {
        if (!_set.Contains(relativePath))
            throw new SeerException(ErrorCodes.NotFound, $"{Display(relativePath)} does not exist", Display(relativePath));
        string path = FullPath(relativePath);
        // The walk saw a regular file; refuse it if it was swapped for a pipe or device since (opening would block).
        if (InputFiles.NotRegularReason(path) is { } why)
            throw new SeerException(ErrorCodes.InvalidInput, $"{Display(relativePath)}: {why}", Display(relativePath));
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        if (stream.Length > InputFiles.MaxFileBytes)
        {
            long length = stream.Length;
            stream.Dispose();
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{Display(relativePath)} is {length:N0} bytes, over the limit of {InputFiles.MaxFileBytes:N0} bytes for one file", Display(relativePath));
        }
        return stream;
    }

    public long Length(string relativePath) => new FileInfo(FullPath(relativePath)).Length;

    public string Display(string relativePath) => Path.Combine(_root, relativePath);

    public void Dispose() { }

    private string FullPath(string relativePath) => Path.Combine(_root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private void Walk(string dir, string relDir, HashSet<(ulong, ulong)> onPath, List<string> files, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        List<string> entries;
        try
        {
            entries = System.IO.Directory.EnumerateFileSystemEntries(dir).ToList();
        }
        catch (UnauthorizedAccessException)
        {
            _skipped.Add(new ItemIssue(dir, "cannot read the folder: permission denied; its files are not imported"));
            return;
        }
        catch (IOException e)
        {
            _skipped.Add(new ItemIssue(dir, $"cannot read the folder: {e.Message}; its files are not imported"));
            return;
        }
        entries.Sort(StringComparer.Ordinal);
        foreach (var full in entries)
        {
            string name = Path.GetFileName(full);
            if (name.StartsWith('.')) continue; // hidden, as before
            string rel = relDir.Length == 0 ? name : relDir + "/" + name;
            if (System.Text.Encoding.UTF8.GetByteCount(full) > InputFiles.MaxPathBytes)
            {
                _skipped.Add(new ItemIssue(full[..200] + "…", $"the path is longer than {InputFiles.MaxPathBytes} bytes"));
                continue;
            }
            var kind = InputFiles.KindOf(full, followLinks: false, out _, out _, out _);
            bool link = kind == FileKind.SymbolicLink;
            if (link)
            {
                kind = InputFiles.KindOf(full, followLinks: true, out _, out _, out int errno);
                if (kind == FileKind.Missing)
                {
                    _skipped.Add(new ItemIssue(full, errno == 40
                        ? "symbolic link loop (ELOOP): the link never reaches a file"
                        : "dangling symbolic link: its target does not exist"));
                    continue;
                }
            }
            switch (kind)
            {
                case FileKind.Regular:
                    files.Add(rel);
                    break;
                case FileKind.Directory:
                {
                    InputFiles.KindOf(full, followLinks: true, out ulong dev, out ulong ino, out _);
                    if (!onPath.Add((dev, ino)))
                    {
                        _skipped.Add(new ItemIssue(full, "symbolic link loop: it leads back into a folder already being read; not followed"));
                        continue;
                    }
                    Walk(full, rel, onPath, files, ct);
                    onPath.Remove((dev, ino));
                    break;
                }
                case FileKind.Missing:
                    break; // deleted during the walk
                default:
                    _skipped.Add(new ItemIssue(full, $"not a regular file (it is a {InputFiles.Describe(kind)}); skipped"));
                    break;
            }
        }
    }
}
