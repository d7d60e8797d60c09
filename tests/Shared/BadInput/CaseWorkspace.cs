using Microsoft.Data.Sqlite;
using Seer.Search;
using Xunit;

namespace Seer.Tests.BadInput;

/// <summary>
/// The workspace side of a bad-input case, shared by the CLI and the server suites: a fresh copy of the seeded
/// workspace, the check that it is intact after the case, and the folder helpers (listing, cleaning up after
/// cases that take permissions away).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class CaseWorkspace
{
    /// <summary>Copies the fixture's seeded workspace into <paramref name="home"/>.</summary>
    public static void CopyTemplate(BadInputFixture fixture, string home)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        CopyTree(fixture.Template, home);
    }

    /// <summary>
    /// Sets a case up under the fixture's folder (case-NAME): a fresh copy of the seeded workspace in ROOT/home, and the
    /// folder the case builds its input in, ROOT/in. Delete ROOT with <see cref="Delete"/> after.
    /// </summary>
    public static CaseSetup Prepare(BadInputFixture fixture, string name)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var bad = BadInputCases.All.Single(c => c.Name == name);
        string root = Path.Combine(fixture.Root, "case-" + name);
        string home = Path.Combine(root, "home");
        CopyTemplate(fixture, home);
        var dir = new CaseDir(Path.Combine(root, "in"), fixture);
        Directory.CreateDirectory(dir.Root);
        return new CaseSetup(bad, root, home, dir);
    }

    /// <summary>
    /// Earlier versions unchanged, every blob referenced by a version, no temp files, the feature group whole (its ids:
    /// <paramref name="groupIds"/> when a running server holds the group open, else read from the workspace).
    /// </summary>
    public static void CheckIntact(BadInputFixture fixture, string home, string context, IEnumerable<string>? groupIds = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        string blobs = Path.Combine(home, "blobs");
        string tmp = Path.Combine(blobs, "tmp");
        Assert.True(!Directory.Exists(tmp) || !Directory.EnumerateFileSystemEntries(tmp).Any(),
            $"temp files left: {string.Join(", ", Directory.Exists(tmp) ? Directory.EnumerateFileSystemEntries(tmp, "*", SearchOption.AllDirectories) : [])}\n{context}");
        var stored = Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(tmp + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        using (var db = new SqliteConnection($"Data Source={Path.Combine(home, "seer.db")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using (var cmd = db.CreateCommand())
            {
                cmd.CommandText = "SELECT DISTINCT content_hash FROM version_images";
                using var reader = cmd.ExecuteReader();
                while (reader.Read()) referenced.Add(reader.GetString(0));
            }
            using (var cmd = db.CreateCommand())
            {
                cmd.CommandText = "SELECT head_version FROM datasets WHERE name = 'base'";
                Assert.True(fixture.BaseVersion == (string?)cmd.ExecuteScalar(), $"dataset 'base' head moved\n{context}");
            }
            using (var cmd = db.CreateCommand())
            {
                cmd.CommandText = "SELECT count(*) FROM version_images WHERE version_id = $v";
                cmd.Parameters.AddWithValue("$v", fixture.BaseVersion);
                Assert.True(2L == (long)cmd.ExecuteScalar()!, $"version {fixture.BaseVersion} changed\n{context}");
            }
        }
        var orphans = stored.Where(s => !referenced.Contains(s!)).ToList();
        Assert.True(orphans.Count == 0, $"orphaned blobs: {string.Join(", ", orphans)}\n{context}");
        List<string> ids;
        if (groupIds is not null) ids = [.. groupIds];
        else
        {
            using var group = new SearchWorkspace(home).Open("g");
            ids = [.. group.Ids()];
        }
        Assert.True(ids.Order(StringComparer.Ordinal).SequenceEqual(["x", "y", "z"]), $"feature group g changed: {string.Join(",", ids)}\n{context}");
    }

    /// <summary>Every entry below <paramref name="root"/> (links and special files included), relative and sorted.</summary>
    public static List<string> Listing(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToList();

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>Gives back the permissions a case took away, then deletes the folder.</summary>
    public static void Delete(string root)
    {
        if (!Directory.Exists(root)) return;
        foreach (var dir in Directory.EnumerateDirectories(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).Prepend(root))
        {
            try
            {
                if (new DirectoryInfo(dir).LinkTarget is null)
                    File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            catch (IOException)
            {
            }
        }
        Directory.Delete(root, recursive: true);
    }

    public static string Cut(string s) => s.Length > 3000 ? s[..3000] + "…" : s;
}

/// <summary>A prepared case: the case, its folder, its workspace and its input folder.</summary>
public sealed record CaseSetup(BadCase Case, string Root, string Home, CaseDir Dir);
