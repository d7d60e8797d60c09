using System.Text.Json;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting.Accounts;
using Seer.Hosting.Storage;

namespace Seer.Hosting;

/// <summary>
/// Which server-side paths jobs submitted through the API may read (import by path, evaluation files) and write
/// (export targets). Allowed roots:
/// <list type="bullet">
/// <item><c>HOME/imports/</c> (read), <c>HOME/exports/</c> (read and write), <c>HOME/uploads/</c> (read: archives
/// uploaded through the API);</item>
/// <item>the folders an admin allows: <see cref="HostingOptions.AllowedPaths"/> (configuration) plus the workspace
/// setting <see cref="SettingKey"/> (<c>PUT /api/settings/AllowedPaths</c>, a JSON array of absolute folders or one
/// folder per line), read on every check so a change takes effect at once.</item>
/// </list>
/// Paths are made canonical first (<c>..</c> removed, every symbolic link resolved), so a link cannot lead out of a
/// root. Nothing inside the workspace other than imports/, exports/ and uploads/ is ever allowed, whatever the
/// allowed folders say: an export can never land in models/, blobs/, search/ or the database's folder.
/// Error messages repeat the path as the caller gave it, never the resolved server path.
/// </summary>
public sealed class PathPolicy
{
    /// <summary>The workspace setting (admin-only) holding extra allowed folders.</summary>
    public const string SettingKey = "AllowedPaths";

    private const int MaxLinkHops = 40;

    private readonly IReadOnlyList<string> _configured;
    private readonly HostingDatabase _db;
    private readonly string _home;

    public PathPolicy(IOptions<HostingOptions> options, HostingDatabase db)
    {
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        string home = Path.GetFullPath(options.Value.Home);
        Imports = Path.Combine(home, "imports");
        Exports = Path.Combine(home, "exports");
        Directory.CreateDirectory(Imports);
        Directory.CreateDirectory(Exports);
        _home = Canonical(home, home);
        Imports = Canonical(Imports, Imports);
        Exports = Canonical(Exports, Exports);
        Uploads = Path.Combine(_home, "uploads");
        _configured = options.Value.AllowedPaths.Select(p => Root(p, "Seer:AllowedPaths")).ToList();
    }

    /// <summary><c>HOME/imports</c>: where server-side import sources go.</summary>
    public string Imports { get; }

    /// <summary><c>HOME/exports</c>: where exports go by default.</summary>
    public string Exports { get; }

    /// <summary><c>HOME/uploads</c>: archives uploaded through the API (read by their import job).</summary>
    public string Uploads { get; }

    /// <summary>The allowed extra folders in force now (configuration plus the workspace setting), canonical.</summary>
    public IReadOnlyList<string> AllowedRoots => [.. _configured, .. ParseSetting(ReadSetting())];

    /// <summary>
    /// Parses the <see cref="SettingKey"/> setting: a JSON array of absolute folder paths, or one per line.
    /// Refuses relative paths (used to validate <c>PUT /api/settings/AllowedPaths</c> before it is stored).
    /// </summary>
    public static IReadOnlyList<string> ParseSetting(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        IEnumerable<string> entries;
        if (value.TrimStart().StartsWith('['))
        {
            try
            {
                entries = JsonSerializer.Deserialize<string[]>(value) ?? [];
            }
            catch (JsonException)
            {
                throw new SeerException(ErrorCodes.InvalidInput, $"setting {SettingKey} must be a JSON array of absolute folder paths or one path per line", SettingKey);
            }
        }
        else entries = value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return entries.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => Root(e, SettingKey)).ToList();
    }

    /// <summary>The canonical path of an existing file or folder the policy allows reading.</summary>
    public string CheckReadable(string path)
    {
        string full = Resolve(path);
        // The roots first: whether a file outside them exists is not told.
        if (!Under(full, Imports) && !Under(full, Exports) && !Under(full, Uploads) && !InAllowedRoot(full))
            throw Outside(path, "read");
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new SeerException(ErrorCodes.NotFound, $"'{path}' does not exist on the server", path);
        return full;
    }

    /// <summary>The canonical path of a new output folder: its parent exists and it does not.</summary>
    public string CheckWritable(string path)
    {
        string full = Resolve(path);
        if (!Under(full, Exports) && !InAllowedRoot(full) || full == Exports)
            throw Outside(path, "write");
        if (File.Exists(full) || Directory.Exists(full))
            throw new SeerException(ErrorCodes.Conflict, $"'{path}' already exists; exports write a new folder", path);
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
            throw new SeerException(ErrorCodes.NotFound, $"the parent folder of '{path}' does not exist", path);
        return full;
    }

    private string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path) || path.Contains('\0'))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{path}' is not an absolute server path", path);
        return Canonical(Path.GetFullPath(path), path);
    }

    private bool InAllowedRoot(string full)
    {
        // Inside the workspace only its exchange folders count, whatever an allowed root covers.
        if (Under(full, _home) && !Under(full, Imports) && !Under(full, Exports) && !Under(full, Uploads)) return false;
        return AllowedRoots.Any(r => Under(full, r));
    }

    private SeerException Outside(string path, string verb) =>
        new(ErrorCodes.Forbidden,
            $"'{path}' is outside the folders the server may {verb}: the workspace's imports/ and exports/ folders and the " +
            $"folders an admin allows (setting {SettingKey})", path);

    private string? ReadSetting()
    {
        try
        {
            return new SettingsStore(_db).ReadAll().GetValueOrDefault(SettingKey);
        }
        catch (SeerException)
        {
            return null;
        }
    }

    private static string Root(string path, string source)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source}: '{path}' is not an absolute folder path", source);
        return Canonical(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), path);
    }

    private static bool Under(string full, string root) =>
        full == root || full.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="full"/> (absolute, normalised) with every symbolic link along it resolved; components that do
    /// not exist yet are kept as they are. A link loop is refused.
    /// </summary>
    internal static string Canonical(string full, string shown)
    {
        var pending = new Stack<string>(Components(full).Reverse());
        string current = Path.GetPathRoot(full) ?? "/";
        int hops = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            string candidate = Path.Combine(current, part);
            string? target = null;
            try
            {
                var info = new FileInfo(candidate);
                if (info.Exists || Directory.Exists(candidate) || info.LinkTarget is not null) target = info.LinkTarget;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            if (target is null)
            {
                current = candidate;
                continue;
            }
            if (++hops > MaxLinkHops)
                throw new SeerException(ErrorCodes.InvalidInput, $"'{shown}' has too many levels of symbolic links (a loop?)", shown);
            string resolved = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
            foreach (var c in Components(resolved).Reverse()) pending.Push(c);
            current = Path.GetPathRoot(resolved) ?? "/";
        }
        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : current;
    }

    private static IEnumerable<string> Components(string full) =>
        full[(Path.GetPathRoot(full)?.Length ?? 0)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
}
