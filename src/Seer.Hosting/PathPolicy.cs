using Microsoft.Extensions.Options;
using Seer.Core.Errors;

namespace Seer.Hosting;

/// <summary>
/// Which server-side paths jobs may read (import by path, evaluation files) and write (export): anywhere the process
/// may when <see cref="HostingOptions.AllowedPaths"/> is empty, else only under those folders.
/// </summary>
public sealed class PathPolicy
{
    private readonly IReadOnlyList<string> _roots;

    public PathPolicy(IOptions<HostingOptions> options) =>
        _roots = options.Value.AllowedPaths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).ToList();

    /// <summary>The full path of an existing file or folder the policy allows reading.</summary>
    public string CheckReadable(string path)
    {
        string full = Allowed(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new SeerException(ErrorCodes.NotFound, $"{full} does not exist on the server", full);
        return full;
    }

    /// <summary>The full path of a new output folder: its parent exists and it does not.</summary>
    public string CheckWritable(string path)
    {
        string full = Allowed(path);
        if (File.Exists(full) || Directory.Exists(full))
            throw new SeerException(ErrorCodes.Conflict, $"{full} already exists; exports write a new folder", full);
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
            throw new SeerException(ErrorCodes.NotFound, $"the parent folder of {full} does not exist", full);
        return full;
    }

    private string Allowed(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{path}' is not an absolute server path", path);
        string full = Path.GetFullPath(path);
        if (_roots.Count > 0 && !_roots.Any(r => full == r || full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            throw new SeerException(ErrorCodes.Forbidden, $"{full} is outside the folders this server may use (Seer:AllowedPaths)", full);
        return full;
    }
}
