using System.Text.Json;
using System.Text.RegularExpressions;
using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>
/// The feature groups of a Seer workspace, stored under <c>&lt;home&gt;/search/&lt;group&gt;/</c>. Creating, opening,
/// listing and deleting groups; an open group holds an exclusive lock on its folder until disposed.
/// </summary>
public sealed partial class SearchWorkspace(string home)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The folder holding every group.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(home), "search");

    /// <summary>Threads a group opened here uses for scans, batched queries and bulk HNSW inserts.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Creates an empty group and returns it open; fails if the name is taken.</summary>
    public FeatureGroup Create(string name, FeatureGroupOptions options)
    {
        CheckName(name);
        options.Validate();
        string dir = Path.Combine(Root, name);
        if (File.Exists(Path.Combine(dir, GroupStorage.OptionsFile)))
            throw new SeerException(ErrorCodes.Conflict, $"feature group '{name}' already exists; delete it first or pick another name", dir);
        Directory.CreateDirectory(dir);
        var storage = GroupStorage.Acquire(dir, name);
        try
        {
            DurableFile.Replace(Path.Combine(dir, GroupStorage.OptionsFile), s => JsonSerializer.Serialize(s, options, Json));
            return FeatureGroup.OpenStored(name, options, storage, Threads);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>Opens a group: loads its snapshot and replays its log.</summary>
    public FeatureGroup Open(string name)
    {
        CheckName(name);
        string dir = Path.Combine(Root, name);
        var options = ReadOptions(name, dir);
        var storage = GroupStorage.Acquire(dir, name);
        try
        {
            return FeatureGroup.OpenStored(name, options, storage, Threads);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    public bool Exists(string name) =>
        ValidName().IsMatch(name) && File.Exists(Path.Combine(Root, name, GroupStorage.OptionsFile));

    /// <summary>Every group with its settings and live item count (each group is opened to count; a group open in
    /// another process is listed with a null count).</summary>
    public IReadOnlyList<FeatureGroupInfo> List()
    {
        if (!Directory.Exists(Root)) return [];
        var infos = new List<FeatureGroupInfo>();
        foreach (string dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            if (!Exists(name)) continue;
            var options = ReadOptions(name, dir);
            try
            {
                using var group = Open(name);
                infos.Add(new FeatureGroupInfo(name, group.Options, group.Count));
            }
            catch (SeerException ex) when (ex.Code == ErrorCodes.Conflict)
            {
                infos.Add(new FeatureGroupInfo(name, options, null));
            }
        }
        return infos;
    }

    /// <summary>Deletes a group and its files; fails if it does not exist or is open elsewhere.</summary>
    public void Delete(string name)
    {
        CheckName(name);
        string dir = Path.Combine(Root, name);
        ReadOptions(name, dir);
        using (GroupStorage.Acquire(dir, name))
        {
            // Remove the settings first: a crash mid-delete leaves a folder that is no longer a group.
            File.Delete(Path.Combine(dir, GroupStorage.OptionsFile));
        }
        Directory.Delete(dir, recursive: true);
    }

    private static FeatureGroupOptions ReadOptions(string name, string dir)
    {
        string file = Path.Combine(dir, GroupStorage.OptionsFile);
        if (!File.Exists(file))
            throw new SeerException(ErrorCodes.NotFound,
                $"feature group '{name}' does not exist; create it with 'seer search group create {name} --dim D --metric ip|cosine|l2'", dir);
        try
        {
            var options = JsonSerializer.Deserialize<FeatureGroupOptions>(File.ReadAllText(file), Json)
                          ?? throw new JsonException("empty");
            options.Validate();
            return options;
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"feature group '{name}': {file} is not valid settings JSON ({ex.Message})", file, ex);
        }
    }

    private static void CheckName(string name)
    {
        if (!ValidName().IsMatch(name))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"'{name}' is not a valid feature group name; use 1-64 letters, digits, '.', '_' or '-', not starting with '.'");
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();
}
