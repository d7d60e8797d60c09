namespace Seer.Core.Interchange;

/// <summary>
/// A read-only tree of files an importer reads: a folder or a .zip. Paths are relative, '/'-separated, and checked
/// (no '..', no absolute paths: zip entries that try to leave the root are rejected when the source opens).
/// </summary>
public interface IFileSource : IDisposable
{
    /// <summary>Where the files come from (folder path or zip path), for messages.</summary>
    string Origin { get; }

    /// <summary>Every file, relative path with '/' separators, in ordinal order.</summary>
    IReadOnlyList<string> Files { get; }

    bool Exists(string relativePath);

    Stream Open(string relativePath);

    /// <summary>Length in bytes of a file.</summary>
    long Length(string relativePath);

    /// <summary>A path to show in messages, e.g. <c>data.zip!Annotations/a.xml</c>.</summary>
    string Display(string relativePath);

    /// <summary>
    /// Entries left out of <see cref="Files"/> with the reason (named pipes, devices, symbolic link loops, folders
    /// that cannot be read); an import reports them among its rejected items.
    /// </summary>
    IReadOnlyList<ItemIssue> Skipped => [];
}
