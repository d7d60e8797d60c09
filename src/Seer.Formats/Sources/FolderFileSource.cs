using Seer.Core.Errors;
using Seer.Core.Interchange;

namespace Seer.Formats.Sources;

/// <summary>The files under a folder (hidden files and folders skipped).</summary>
internal sealed class FolderFileSource : IFileSource
{
    private readonly string _root;
    private readonly HashSet<string> _set;

    public FolderFileSource(string root)
    {
        _root = Path.GetFullPath(root);
        if (!System.IO.Directory.Exists(_root))
            throw new SeerException(ErrorCodes.NotFound, $"folder '{root}' does not exist", root);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        var files = System.IO.Directory.EnumerateFiles(_root, "*", options)
            .Select(f => Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        Files = files;
        _set = new HashSet<string>(files, StringComparer.Ordinal);
    }

    public string Origin => _root;

    public IReadOnlyList<string> Files { get; }

    public bool Exists(string relativePath) => _set.Contains(relativePath);

    public Stream Open(string relativePath)
    {
        if (!_set.Contains(relativePath))
            throw new SeerException(ErrorCodes.NotFound, $"{Display(relativePath)} does not exist", Display(relativePath));
        return new FileStream(FullPath(relativePath), FileMode.Open, FileAccess.Read, FileShare.Read, 81920,
            FileOptions.SequentialScan);
    }

    public long Length(string relativePath) => new FileInfo(FullPath(relativePath)).Length;

    public string Display(string relativePath) => Path.Combine(_root, relativePath);

    public void Dispose() { }

    private string FullPath(string relativePath) => Path.Combine(_root, relativePath.Replace('/', Path.DirectorySeparatorChar));
}
