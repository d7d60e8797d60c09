using Seer.Hosting.Storage;
using Seer.Data.Relational;

namespace Seer.Hosting.Accounts;

/// <summary>Workspace-wide settings (key → value) that only admins may change through the API.</summary>
public sealed class SettingsStore
{
    private readonly HostingDatabase _db;

    public SettingsStore(HostingDatabase db) => _db = db;

    public IReadOnlyDictionary<string, string> ReadAll()
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT key, value FROM settings ORDER BY key";
        using var r = cmd.ExecuteReader();
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (r.Read()) all[r.GetString(0)] = r.GetString(1);
        return all;
    }

    public void Set(string key, string value, string by)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100)
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput, $"'{key}' is not a usable setting name", key);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO settings (key, value, updated_by, updated_at) VALUES (@k, @v, @b, @t) " +
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
        RelationalDatabase.AddParameter(cmd, "k", key);
        RelationalDatabase.AddParameter(cmd, "v", value ?? "");
        RelationalDatabase.AddParameter(cmd, "b", by);
        RelationalDatabase.AddParameter(cmd, "t", _db.CurrentTime());
        cmd.ExecuteNonQuery();
    }
}
