using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Labels;

namespace Seer.Data.Metadata;

/// <summary>
/// Metadata in one SQLite file: WAL journal (readers never block the writer), foreign keys on, a busy timeout for
/// concurrent processes, and schema migrations applied on open (<see cref="SqliteMigrations"/>).
/// </summary>
public sealed class SqliteMetadataStore : IMetadataStore
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteMetadataStore(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = 60,
            Pooling = false,
        };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=60000;");
            SchemaVersion = SqliteMigrations.Apply(_connection);
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            throw new SeerException(ErrorCodes.InvalidInput,
                $"cannot open the workspace database {DatabasePath}: {ex.Message}", DatabasePath, ex);
        }
    }

    public string DatabasePath { get; }

    public int SchemaVersion { get; }

    public string WorkspaceId => Scalar<string>("SELECT id FROM workspace_identity LIMIT 1")!;

    public void AdoptWorkspaceId(string workspaceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceId);
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using (var count = Command("SELECT COUNT(*) FROM datasets", tx))
                if (Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                    throw new SeerException(ErrorCodes.Conflict,
                        $"the workspace database {DatabasePath} already holds datasets; it cannot take another workspace's identity", DatabasePath);
            using (var update = Command("UPDATE workspace_identity SET id = $id", tx))
            {
                update.Parameters.AddWithValue("$id", workspaceId);
                update.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public IReadOnlyList<string> ListVersionIds()
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT id FROM versions ORDER BY seq");
            using var r = cmd.ExecuteReader();
            var ids = new List<string>();
            while (r.Read()) ids.Add(r.GetString(0));
            return ids;
        }
    }

    /// <summary>The journal mode SQLite reports (wal).</summary>
    public string JournalMode => Scalar<string>("PRAGMA journal_mode")!;

    public LabelSpace ReadLabelSpace()
    {
        lock (_gate)
        {
            var labels = new List<string>();
            using (var cmd = Command("SELECT name FROM labels ORDER BY id"))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) labels.Add(r.GetString(0));
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var cmd = Command("SELECT a.alias, l.name FROM label_aliases a JOIN labels l ON l.id = a.label_id ORDER BY a.alias"))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) aliases[r.GetString(0)] = r.GetString(1);
            return new LabelSpace(labels, aliases);
        }
    }

    public void AddAlias(string alias, string canonical)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            string now = Now();
            InsertLabel(tx, canonical, now);
            InsertAlias(tx, alias, canonical, now);
            tx.Commit();
        }
    }

    public IReadOnlyList<DatasetSummary> ListDatasets()
    {
        lock (_gate)
        {
            using var cmd = Command("""
                SELECT d.name, d.head_version, (SELECT COUNT(*) FROM versions v WHERE v.dataset_id = d.id),
                       h.image_count, h.labelled_count, d.created_at, d.updated_at
                FROM datasets d JOIN versions h ON h.id = d.head_version ORDER BY d.name
                """);
            using var r = cmd.ExecuteReader();
            var list = new List<DatasetSummary>();
            while (r.Read())
                list.Add(new DatasetSummary(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
                    ParseTime(r.GetString(5)), ParseTime(r.GetString(6))));
            return list;
        }
    }

    public string? FindHead(string dataset)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT head_version FROM datasets WHERE name = $n");
            cmd.Parameters.AddWithValue("$n", dataset);
            return cmd.ExecuteScalar() as string;
        }
    }

    public IReadOnlyList<DatasetVersionInfo> FindVersionsByPrefix(string dataset, string idPrefix)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                SELECT v.id FROM versions v JOIN datasets d ON d.id = v.dataset_id
                WHERE d.name = $n AND substr(v.id, 1, length($p)) = $p ORDER BY v.seq
                """);
            cmd.Parameters.AddWithValue("$n", dataset);
            cmd.Parameters.AddWithValue("$p", idPrefix.ToLowerInvariant());
            var ids = new List<string>();
            using (var r = cmd.ExecuteReader())
                while (r.Read()) ids.Add(r.GetString(0));
            return ids.Select(id => GetVersionLocked(id)!).ToList();
        }
    }

    public IReadOnlyList<string> DatasetsWithImage(string contentHash)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                SELECT DISTINCT d.name FROM version_images i JOIN versions v ON v.id = i.version_id
                JOIN datasets d ON d.id = v.dataset_id WHERE i.content_hash = $h ORDER BY d.name
                """);
            cmd.Parameters.AddWithValue("$h", contentHash);
            var names = new List<string>();
            using var r = cmd.ExecuteReader();
            while (r.Read()) names.Add(r.GetString(0));
            return names;
        }
    }

    public DatasetVersionInfo? GetVersion(string versionId)
    {
        lock (_gate) return GetVersionLocked(versionId);
    }

    public string? GetContentDigest(string versionId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT content_digest FROM versions WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", versionId);
            return cmd.ExecuteScalar() as string;
        }
    }

    public IReadOnlyList<string> ReadClasses(string versionId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT classes_json FROM versions WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", versionId);
            string json = cmd.ExecuteScalar() as string
                ?? throw new SeerException(ErrorCodes.NotFound, $"version {versionId} does not exist");
            return JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
    }

    public IReadOnlyList<ImageRecord> ReadImages(string versionId)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                SELECT content_hash, file_name, width, height, labelled, annotations_json
                FROM version_images WHERE version_id = $id ORDER BY ord
                """);
            cmd.Parameters.AddWithValue("$id", versionId);
            using var r = cmd.ExecuteReader();
            var list = new List<ImageRecord>();
            while (r.Read())
                list.Add(ImageJson.Read(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64(4) != 0, r.GetString(5)));
            return list;
        }
    }

    public bool Commit(VersionCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            string now = commit.CreatedAt.ToString("O", CultureInfo.InvariantCulture);
            foreach (var label in commit.NewLabels) InsertLabel(tx, label, now);
            foreach (var (alias, canonical) in commit.NewAliases)
            {
                InsertLabel(tx, canonical, now);
                InsertAlias(tx, alias, canonical, now);
            }
            long datasetId = EnsureDataset(tx, commit.Dataset, now);

            bool exists;
            using (var check = Command("SELECT COUNT(*) FROM versions WHERE id = $id", tx))
            {
                check.Parameters.AddWithValue("$id", commit.VersionId);
                exists = Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
            }
            if (!exists) InsertVersion(tx, commit, datasetId, now);

            using (var head = Command("UPDATE datasets SET head_version = $v, updated_at = $t WHERE id = $d", tx))
            {
                head.Parameters.AddWithValue("$v", commit.VersionId);
                head.Parameters.AddWithValue("$t", now);
                head.Parameters.AddWithValue("$d", datasetId);
                head.ExecuteNonQuery();
            }
            tx.Commit();
            return !exists;
        }
    }

    private void InsertVersion(SqliteTransaction tx, VersionCommit commit, long datasetId, string now)
    {
        using (var cmd = Command("""
            INSERT INTO versions (id, seq, dataset_id, operation, parameters_json, content_digest, classes_json,
                                  image_count, labelled_count, created_at)
            VALUES ($id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM versions), $d, $op, $p, $c, $cl, $n, $l, $t)
            """, tx))
        {
            cmd.Parameters.AddWithValue("$id", commit.VersionId);
            cmd.Parameters.AddWithValue("$d", datasetId);
            cmd.Parameters.AddWithValue("$op", commit.Operation);
            cmd.Parameters.AddWithValue("$p", commit.ParametersJson);
            cmd.Parameters.AddWithValue("$c", commit.ContentDigest);
            cmd.Parameters.AddWithValue("$cl", JsonSerializer.Serialize(commit.Classes));
            cmd.Parameters.AddWithValue("$n", commit.Images.Count);
            cmd.Parameters.AddWithValue("$l", commit.Images.Count(i => i.IsLabelled));
            cmd.Parameters.AddWithValue("$t", now);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = Command("INSERT INTO version_parents (version_id, ord, parent_id) VALUES ($v, $o, $p)", tx))
        {
            var o = cmd.Parameters.Add("$o", SqliteType.Integer);
            var p = cmd.Parameters.Add("$p", SqliteType.Text);
            cmd.Parameters.AddWithValue("$v", commit.VersionId);
            for (int i = 0; i < commit.Parents.Count; i++)
            {
                o.Value = i;
                p.Value = commit.Parents[i];
                cmd.ExecuteNonQuery();
            }
        }
        using (var cmd = Command("""
            INSERT INTO version_images (version_id, ord, content_hash, file_name, width, height, labelled, annotations_json)
            VALUES ($v, $o, $h, $f, $w, $ht, $l, $a)
            """, tx))
        {
            cmd.Parameters.AddWithValue("$v", commit.VersionId);
            var o = cmd.Parameters.Add("$o", SqliteType.Integer);
            var h = cmd.Parameters.Add("$h", SqliteType.Text);
            var f = cmd.Parameters.Add("$f", SqliteType.Text);
            var w = cmd.Parameters.Add("$w", SqliteType.Integer);
            var ht = cmd.Parameters.Add("$ht", SqliteType.Integer);
            var l = cmd.Parameters.Add("$l", SqliteType.Integer);
            var a = cmd.Parameters.Add("$a", SqliteType.Text);
            cmd.Prepare();
            for (int i = 0; i < commit.Images.Count; i++)
            {
                var image = commit.Images[i];
                o.Value = i;
                h.Value = image.ContentHash;
                f.Value = image.FileName;
                w.Value = image.Width;
                ht.Value = image.Height;
                l.Value = image.IsLabelled ? 1 : 0;
                a.Value = ImageJson.WriteAnnotations(image);
                cmd.ExecuteNonQuery();
            }
        }
    }

    public IReadOnlyDictionary<string, ulong> ReadPerceptualHashes(IReadOnlyCollection<string> contentHashes)
    {
        lock (_gate)
        {
            var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
            using var cmd = Command("SELECT phash FROM image_phash WHERE content_hash = $h");
            var h = cmd.Parameters.Add("$h", SqliteType.Text);
            foreach (var hash in contentHashes)
            {
                h.Value = hash;
                if (cmd.ExecuteScalar() is long value) result[hash] = unchecked((ulong)value);
            }
            return result;
        }
    }

    public void SavePerceptualHashes(IReadOnlyDictionary<string, ulong> hashes)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = Command("INSERT OR REPLACE INTO image_phash (content_hash, phash) VALUES ($h, $p)", tx);
            var h = cmd.Parameters.Add("$h", SqliteType.Text);
            var p = cmd.Parameters.Add("$p", SqliteType.Integer);
            foreach (var (hash, value) in hashes)
            {
                h.Value = hash;
                p.Value = unchecked((long)value);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public void Dispose() => _connection.Dispose();

    private DatasetVersionInfo? GetVersionLocked(string versionId)
    {
        using var cmd = Command("""
            SELECT d.name, v.operation, v.parameters_json, v.created_at, v.image_count, v.labelled_count
            FROM versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id = $id
            """);
        cmd.Parameters.AddWithValue("$id", versionId);
        string dataset, operation, parameters, created;
        int images, labelled;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) return null;
            (dataset, operation, parameters, created, images, labelled) =
                (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5));
        }
        var parents = new List<string>();
        using (var p = Command("SELECT parent_id FROM version_parents WHERE version_id = $id ORDER BY ord"))
        {
            p.Parameters.AddWithValue("$id", versionId);
            using var r = p.ExecuteReader();
            while (r.Read()) parents.Add(r.GetString(0));
        }
        return new DatasetVersionInfo(dataset, versionId, parents, operation, parameters, ParseTime(created), images, labelled);
    }

    private long EnsureDataset(SqliteTransaction tx, string name, string now)
    {
        using (var insert = Command("INSERT OR IGNORE INTO datasets (name, created_at, updated_at) VALUES ($n, $t, $t)", tx))
        {
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$t", now);
            insert.ExecuteNonQuery();
        }
        using var select = Command("SELECT id FROM datasets WHERE name = $n", tx);
        select.Parameters.AddWithValue("$n", name);
        return Convert.ToInt64(select.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void InsertLabel(SqliteTransaction tx, string name, string now)
    {
        using var cmd = Command("INSERT OR IGNORE INTO labels (name, created_at) VALUES ($n, $t)", tx);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$t", now);
        cmd.ExecuteNonQuery();
    }

    private void InsertAlias(SqliteTransaction tx, string alias, string canonical, string now)
    {
        using var cmd = Command("""
            INSERT INTO label_aliases (alias, label_id, created_at) VALUES ($a, (SELECT id FROM labels WHERE name = $c), $t)
            ON CONFLICT(alias) DO UPDATE SET label_id = excluded.label_id
            """, tx);
        cmd.Parameters.AddWithValue("$a", alias);
        cmd.Parameters.AddWithValue("$c", canonical);
        cmd.Parameters.AddWithValue("$t", now);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private T? Scalar<T>(string sql)
    {
        lock (_gate)
        {
            using var cmd = Command(sql);
            return (T?)cmd.ExecuteScalar();
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
