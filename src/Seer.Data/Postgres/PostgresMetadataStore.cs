using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Labels;
using Seer.Data.Metadata;

namespace Seer.Data.Postgres;

/// <summary>
/// The workspace metadata in PostgreSQL (tables of <see cref="PostgresMetadataMigrations"/>), with the SQLite store's
/// rules: a version, its parents, all its image rows (one binary COPY), new labels and aliases and the head move are
/// one transaction, so a version exists whole or not at all, whatever happens to the writer. Writes that touch the
/// label space or a head hold a transaction-scoped advisory lock, so writers on several machines commit one at a
/// time (as SQLite's single writer does) and version sequence numbers have no gaps. Reads take a pooled connection
/// each and never block on writers. Timestamps are TIMESTAMPTZ (microseconds).
/// </summary>
public sealed class PostgresMetadataStore : IMetadataStore
{
    /// <summary>The advisory lock key metadata writes hold ("meta" in ASCII).</summary>
    private const long WriteLock = 0x6d657461;

    private readonly PostgresDatabase _db;
    private readonly bool _ownsDatabase;

    /// <summary>The store on <paramref name="db"/> (migrated on construction); with <paramref name="ownsDatabase"/> disposing it closes the database.</summary>
    public PostgresMetadataStore(PostgresDatabase db, bool ownsDatabase = false)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _ownsDatabase = ownsDatabase;
        try
        {
            SchemaVersion = db.Migrate(PostgresMetadataMigrations.Ledger, PostgresMetadataMigrations.All);
        }
        catch
        {
            if (ownsDatabase) db.Dispose();
            throw;
        }
    }

    /// <summary>The database URL without its password.</summary>
    public string Display => _db.Display;

    /// <summary>The database the metadata is in (the stores beside it keep their tables there too).</summary>
    public PostgresDatabase Database => _db;

    public int SchemaVersion { get; }

    /// <summary>
    /// Test hook: called inside <see cref="Commit"/> after every row of a new version is written and before the
    /// transaction commits (a test kills the process there to show that nothing of the version survives).
    /// </summary>
    internal Action? BeforeCommit { get; set; }

    public string WorkspaceId
    {
        get
        {
            using var c = _db.Open();
            using var cmd = new NpgsqlCommand("SELECT id FROM workspace", c);
            return (string)cmd.ExecuteScalar()!;
        }
    }

    public void AdoptWorkspaceId(string workspaceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceId);
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        Lock(c, tx);
        using (var count = new NpgsqlCommand("SELECT COUNT(*) FROM datasets", c, tx))
            if ((long)count.ExecuteScalar()! > 0)
                throw new SeerException(ErrorCodes.Conflict,
                    $"the PostgreSQL database {_db.Display} already holds datasets; it cannot take another workspace's identity", _db.Source);
        using (var update = new NpgsqlCommand("UPDATE workspace SET id = @id", c, tx))
        {
            update.Parameters.AddWithValue("id", workspaceId);
            update.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public LabelSpace ReadLabelSpace()
    {
        using var c = _db.Open();
        var labels = new List<string>();
        using (var cmd = new NpgsqlCommand("SELECT name FROM labels ORDER BY id", c))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) labels.Add(r.GetString(0));
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var cmd = new NpgsqlCommand("SELECT a.alias, l.name FROM label_aliases a JOIN labels l ON l.id = a.label_id ORDER BY a.alias", c))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) aliases[r.GetString(0)] = r.GetString(1);
        return new LabelSpace(labels, aliases);
    }

    public void AddAlias(string alias, string canonical)
    {
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        Lock(c, tx);
        var now = DateTimeOffset.UtcNow;
        InsertLabel(c, tx, canonical, now);
        InsertAlias(c, tx, alias, canonical, now);
        tx.Commit();
    }

    public IReadOnlyList<DatasetSummary> ListDatasets()
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("""
            SELECT d.name, d.head_version, (SELECT COUNT(*) FROM versions v WHERE v.dataset_id = d.id),
                   h.image_count, h.labelled_count, d.created_at, d.updated_at
            FROM datasets d JOIN versions h ON h.id = d.head_version ORDER BY d.name COLLATE "C"
            """, c);
        using var r = cmd.ExecuteReader();
        var list = new List<DatasetSummary>();
        while (r.Read())
            list.Add(new DatasetSummary(r.GetString(0), r.GetString(1), (int)r.GetInt64(2), r.GetInt32(3), r.GetInt32(4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)));
        return list;
    }

    public string? FindHead(string dataset)
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("SELECT head_version FROM datasets WHERE name = @n", c);
        cmd.Parameters.AddWithValue("n", dataset);
        return cmd.ExecuteScalar() as string;
    }

    public IReadOnlyList<DatasetVersionInfo> FindVersionsByPrefix(string dataset, string idPrefix)
    {
        using var c = _db.Open();
        var ids = new List<string>();
        using (var cmd = new NpgsqlCommand("""
            SELECT v.id FROM versions v JOIN datasets d ON d.id = v.dataset_id
            WHERE d.name = @n AND starts_with(v.id, @p) ORDER BY v.seq
            """, c))
        {
            cmd.Parameters.AddWithValue("n", dataset);
            cmd.Parameters.AddWithValue("p", idPrefix.ToLowerInvariant());
            using var r = cmd.ExecuteReader();
            while (r.Read()) ids.Add(r.GetString(0));
        }
        return ids.Select(id => GetVersion(c, id)!).ToList();
    }

    public DatasetVersionInfo? GetVersion(string versionId)
    {
        using var c = _db.Open();
        return GetVersion(c, versionId);
    }

    public IReadOnlyList<string> DatasetsWithImage(string contentHash)
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("""
            SELECT DISTINCT d.name COLLATE "C" FROM version_images i JOIN versions v ON v.id = i.version_id
            JOIN datasets d ON d.id = v.dataset_id WHERE i.content_hash = @h ORDER BY 1
            """, c);
        cmd.Parameters.AddWithValue("h", contentHash);
        var names = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }

    public string? GetContentDigest(string versionId)
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("SELECT content_digest FROM versions WHERE id = @id", c);
        cmd.Parameters.AddWithValue("id", versionId);
        return cmd.ExecuteScalar() as string;
    }

    public IReadOnlyList<string> ReadClasses(string versionId)
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("SELECT classes_json FROM versions WHERE id = @id", c);
        cmd.Parameters.AddWithValue("id", versionId);
        string json = cmd.ExecuteScalar() as string
            ?? throw new SeerException(ErrorCodes.NotFound, $"version {versionId} does not exist");
        return JsonSerializer.Deserialize<string[]>(json) ?? [];
    }

    public IReadOnlyList<ImageRecord> ReadImages(string versionId)
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("""
            SELECT content_hash, file_name, width, height, labelled, annotations_json
            FROM version_images WHERE version_id = @id ORDER BY ord
            """, c);
        cmd.Parameters.AddWithValue("id", versionId);
        using var r = cmd.ExecuteReader();
        var list = new List<ImageRecord>();
        while (r.Read())
            list.Add(ImageJson.Read(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetBoolean(4), r.GetString(5)));
        return list;
    }

    public IReadOnlyList<string> ListVersionIds()
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("SELECT id FROM versions ORDER BY seq", c);
        using var r = cmd.ExecuteReader();
        var ids = new List<string>();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }

    public bool Commit(VersionCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var now = commit.CreatedAt.ToUniversalTime();
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        Lock(c, tx);
        foreach (var label in commit.NewLabels) InsertLabel(c, tx, label, now);
        foreach (var (alias, canonical) in commit.NewAliases)
        {
            InsertLabel(c, tx, canonical, now);
            InsertAlias(c, tx, alias, canonical, now);
        }
        long datasetId = EnsureDataset(c, tx, commit.Dataset, now);
        bool created = InsertVersion(c, tx, commit, datasetId, now);
        if (created)
        {
            InsertParents(c, tx, commit);
            CopyImages(c, commit);
            BeforeCommit?.Invoke();
        }
        using (var head = new NpgsqlCommand("UPDATE datasets SET head_version = @v, updated_at = @t WHERE id = @d", c, tx))
        {
            head.Parameters.AddWithValue("v", commit.VersionId);
            head.Parameters.AddWithValue("t", now);
            head.Parameters.AddWithValue("d", datasetId);
            head.ExecuteNonQuery();
        }
        tx.Commit();
        return created;
    }

    public IReadOnlyDictionary<string, ulong> ReadPerceptualHashes(IReadOnlyCollection<string> contentHashes)
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (contentHashes.Count == 0) return result;
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("SELECT content_hash, phash FROM image_phash WHERE content_hash = ANY(@h)", c);
        cmd.Parameters.AddWithValue("h", contentHashes.ToArray());
        using var r = cmd.ExecuteReader();
        while (r.Read()) result[r.GetString(0)] = unchecked((ulong)r.GetInt64(1));
        return result;
    }

    public void SavePerceptualHashes(IReadOnlyDictionary<string, ulong> hashes)
    {
        if (hashes.Count == 0) return;
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("""
            INSERT INTO image_phash (content_hash, phash) SELECT * FROM unnest(@h::text[], @p::bigint[])
            ON CONFLICT (content_hash) DO UPDATE SET phash = excluded.phash
            """, c);
        cmd.Parameters.AddWithValue("h", hashes.Keys.ToArray());
        cmd.Parameters.AddWithValue("p", hashes.Values.Select(v => unchecked((long)v)).ToArray());
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (_ownsDatabase) _db.Dispose();
    }

    private static void Lock(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        using var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({WriteLock})", c, tx);
        cmd.ExecuteNonQuery();
    }

    private static DatasetVersionInfo? GetVersion(NpgsqlConnection c, string versionId)
    {
        string dataset, operation, parameters;
        DateTimeOffset created;
        int images, labelled;
        using (var cmd = new NpgsqlCommand("""
            SELECT d.name, v.operation, v.parameters_json, v.created_at, v.image_count, v.labelled_count
            FROM versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id = @id
            """, c))
        {
            cmd.Parameters.AddWithValue("id", versionId);
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            (dataset, operation, parameters, created, images, labelled) =
                (r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetInt32(4), r.GetInt32(5));
        }
        var parents = new List<string>();
        using (var p = new NpgsqlCommand("SELECT parent_id FROM version_parents WHERE version_id = @id ORDER BY ord", c))
        {
            p.Parameters.AddWithValue("id", versionId);
            using var r = p.ExecuteReader();
            while (r.Read()) parents.Add(r.GetString(0));
        }
        return new DatasetVersionInfo(dataset, versionId, parents, operation, parameters, created, images, labelled);
    }

    /// <summary>Inserts the version row unless the id exists; true when it was inserted.</summary>
    private static bool InsertVersion(NpgsqlConnection c, NpgsqlTransaction tx, VersionCommit commit, long datasetId, DateTimeOffset now)
    {
        using var cmd = new NpgsqlCommand("""
            INSERT INTO versions (id, seq, dataset_id, operation, parameters_json, content_digest, classes_json,
                                  image_count, labelled_count, created_at)
            VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM versions), @d, @op, @p, @c, @cl, @n, @l, @t)
            ON CONFLICT (id) DO NOTHING
            """, c, tx);
        cmd.Parameters.AddWithValue("id", commit.VersionId);
        cmd.Parameters.AddWithValue("d", datasetId);
        cmd.Parameters.AddWithValue("op", commit.Operation);
        cmd.Parameters.AddWithValue("p", commit.ParametersJson);
        cmd.Parameters.AddWithValue("c", commit.ContentDigest);
        cmd.Parameters.AddWithValue("cl", JsonSerializer.Serialize(commit.Classes));
        cmd.Parameters.AddWithValue("n", commit.Images.Count);
        cmd.Parameters.AddWithValue("l", commit.Images.Count(i => i.IsLabelled));
        cmd.Parameters.AddWithValue("t", now);
        return cmd.ExecuteNonQuery() == 1;
    }

    private static void InsertParents(NpgsqlConnection c, NpgsqlTransaction tx, VersionCommit commit)
    {
        if (commit.Parents.Count == 0) return;
        using var cmd = new NpgsqlCommand("""
            INSERT INTO version_parents (version_id, ord, parent_id)
            SELECT @v, p.ord - 1, p.id FROM unnest(@p::text[]) WITH ORDINALITY AS p(id, ord)
            """, c, tx);
        cmd.Parameters.AddWithValue("v", commit.VersionId);
        cmd.Parameters.AddWithValue("p", commit.Parents.ToArray());
        cmd.ExecuteNonQuery();
    }

    /// <summary>All image rows in one binary COPY inside the commit's transaction.</summary>
    private static void CopyImages(NpgsqlConnection c, VersionCommit commit)
    {
        using var copy = c.BeginBinaryImport(
            "COPY version_images (version_id, ord, content_hash, file_name, width, height, labelled, annotations_json) FROM STDIN (FORMAT BINARY)");
        for (int i = 0; i < commit.Images.Count; i++)
        {
            var image = commit.Images[i];
            copy.StartRow();
            copy.Write(commit.VersionId, NpgsqlDbType.Text);
            copy.Write(i, NpgsqlDbType.Integer);
            copy.Write(image.ContentHash, NpgsqlDbType.Text);
            copy.Write(image.FileName, NpgsqlDbType.Text);
            copy.Write(image.Width, NpgsqlDbType.Integer);
            copy.Write(image.Height, NpgsqlDbType.Integer);
            copy.Write(image.IsLabelled, NpgsqlDbType.Boolean);
            copy.Write(ImageJson.WriteAnnotations(image), NpgsqlDbType.Text);
        }
        copy.Complete();
    }

    private static long EnsureDataset(NpgsqlConnection c, NpgsqlTransaction tx, string name, DateTimeOffset now)
    {
        using (var insert = new NpgsqlCommand(
            "INSERT INTO datasets (name, created_at, updated_at) VALUES (@n, @t, @t) ON CONFLICT (name) DO NOTHING", c, tx))
        {
            insert.Parameters.AddWithValue("n", name);
            insert.Parameters.AddWithValue("t", now);
            insert.ExecuteNonQuery();
        }
        using var select = new NpgsqlCommand("SELECT id FROM datasets WHERE name = @n", c, tx);
        select.Parameters.AddWithValue("n", name);
        return (long)select.ExecuteScalar()!;
    }

    private static void InsertLabel(NpgsqlConnection c, NpgsqlTransaction tx, string name, DateTimeOffset now)
    {
        using var cmd = new NpgsqlCommand("INSERT INTO labels (name, created_at) VALUES (@n, @t) ON CONFLICT (name) DO NOTHING", c, tx);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("t", now);
        cmd.ExecuteNonQuery();
    }

    private static void InsertAlias(NpgsqlConnection c, NpgsqlTransaction tx, string alias, string canonical, DateTimeOffset now)
    {
        using var cmd = new NpgsqlCommand("""
            INSERT INTO label_aliases (alias, label_id, created_at) VALUES (@a, (SELECT id FROM labels WHERE name = @c), @t)
            ON CONFLICT (alias) DO UPDATE SET label_id = excluded.label_id
            """, c, tx);
        cmd.Parameters.AddWithValue("a", alias);
        cmd.Parameters.AddWithValue("c", canonical);
        cmd.Parameters.AddWithValue("t", now);
        cmd.ExecuteNonQuery();
    }
}
