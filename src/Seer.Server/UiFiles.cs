using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Seer.Server;

/// <summary>The web UI's files, embedded in the assembly (flat: index.html, app.js, style.css, ...).</summary>
internal sealed class UiFiles : IFileProvider
{
    private readonly EmbeddedFileProvider _inner;

    public UiFiles(EmbeddedFileProvider inner) => _inner = inner;

    public IDirectoryContents GetDirectoryContents(string subpath) =>
        subpath is "" or "/" ? _inner.GetDirectoryContents("") : NotFoundDirectoryContents.Singleton;

    public IFileInfo GetFileInfo(string subpath)
    {
        string name = subpath.TrimStart('/');
        return name.Contains('/', StringComparison.Ordinal) ? new NotFoundFileInfo(name) : _inner.GetFileInfo(name);
    }

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;
}
