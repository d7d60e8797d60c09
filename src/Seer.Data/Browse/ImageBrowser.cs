using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Metadata;
using Seer.Data.Postgres;
using Seer.Data.Relational;

namespace Seer.Data.Browse;

/// <summary>
/// Pages, filters and sorts a dataset version's images inside the workspace's database (SQLite, or PostgreSQL with
/// SEER_DB: <see cref="Workspace.Database"/>, one implementation, the dialect's few differences in
/// <see cref="RelationalDatabase"/>), so a page of a 100k-image version costs one
/// indexed query, never a load of the version. Versions are immutable, so each version's query index (box count per
/// image, and the (label, image) pairs of its tags and objects) is derived once from <c>version_images</c> with the
/// database's JSON functions,
/// on first use, in one write transaction, and kept. Recorded fields (uniqueness, mistakenness, per-sample evaluation,
/// ...) are runs over a version (<see cref="RecordFieldRun"/>); the latest run of each field is filterable and sortable.
/// A label filter sorted by a recorded field reads one index range of field_label_values (run, label, value, index),
/// written with the run (or derived on first use for runs recorded before it existed).
/// Tables: browse_indexed, browse_image_facts, browse_image_labels, field_runs, field_values, field_label_values,
/// field_label_indexed, versioned in browse_schema_version (SQLite) or browse_migrations (PostgreSQL) beside the data
/// plane's own migrations.
/// </summary>
public sealed class ImageBrowser
{
    public const int MaxLimit = 1000;

    /// <summary>Fields every image has, by their query name → SQL expression.</summary>
    private static readonly Dictionary<string, string> BuiltIn = new(StringComparer.Ordinal)
    {
        ["index"] = "vi.ord",
        ["file_name"] = "vi.file_name",
        ["width"] = "vi.width",
        ["height"] = "vi.height",
        ["box_count"] = "f.objects",
        ["labelled"] = "vi.labelled",
    };

    private static readonly IReadOnlyList<(int Version, string Description, string Sql)> SqliteSteps =
    [
        (1, "image query index per version; recorded field runs", """
            CREATE TABLE browse_indexed (
                version_id TEXT PRIMARY KEY REFERENCES versions(id),
                images INTEGER NOT NULL,
                indexed_at TEXT NOT NULL);
            CREATE TABLE browse_image_facts (
                version_id TEXT NOT NULL,
                ord INTEGER NOT NULL,
                objects INTEGER NOT NULL,
                PRIMARY KEY (version_id, ord)) WITHOUT ROWID;
            CREATE INDEX browse_image_facts_objects ON browse_image_facts(version_id, objects, ord);
            CREATE TABLE browse_image_labels (
                version_id TEXT NOT NULL,
                label TEXT NOT NULL,
                ord INTEGER NOT NULL,
                PRIMARY KEY (version_id, label, ord)) WITHOUT ROWID;
            CREATE INDEX version_images_name ON version_images(version_id, file_name);
            CREATE TABLE field_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                version_id TEXT NOT NULL REFERENCES versions(id),
                field TEXT NOT NULL,
                method TEXT NOT NULL,
                settings_json TEXT NOT NULL,
                model TEXT,
                value_count INTEGER NOT NULL,
                created_at TEXT NOT NULL);
            CREATE INDEX field_runs_version ON field_runs(version_id, field, id);
            CREATE TABLE field_values (
                run_id INTEGER NOT NULL REFERENCES field_runs(id),
                ord INTEGER NOT NULL,
                value REAL NOT NULL,
                PRIMARY KEY (run_id, ord)) WITHOUT ROWID;
            CREATE INDEX field_values_value ON field_values(run_id, value, ord);
            """),
        (2, "(run, label, value, index) per recorded field run: a label filter sorted by a field is one index range", """
            CREATE TABLE field_label_values (
                run_id INTEGER NOT NULL REFERENCES field_runs(id),
                label TEXT NOT NULL,
                value REAL NOT NULL,
                ord INTEGER NOT NULL,
                PRIMARY KEY (run_id, label, value, ord)) WITHOUT ROWID;
            CREATE TABLE field_label_indexed (
                run_id INTEGER PRIMARY KEY REFERENCES field_runs(id));
            """),
    ];

    /// <summary>The same tables in PostgreSQL (one step: this schema started there at SQLite's version 2).</summary>
    private static readonly IReadOnlyList<PostgresMigration> PostgresSteps =
    [
        new(1, "image query index per version; recorded field runs; (run, label, value, index)", """
            CREATE TABLE browse_indexed (
                version_id TEXT PRIMARY KEY REFERENCES versions(id),
                images INTEGER NOT NULL,
                indexed_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE browse_image_facts (
                version_id TEXT NOT NULL,
                ord INTEGER NOT NULL,
                objects INTEGER NOT NULL,
                PRIMARY KEY (version_id, ord));
            CREATE INDEX browse_image_facts_objects ON browse_image_facts(version_id, objects, ord);
            CREATE TABLE browse_image_labels (
                version_id TEXT NOT NULL,
                label TEXT NOT NULL,
                ord INTEGER NOT NULL,
                PRIMARY KEY (version_id, label, ord));
            CREATE TABLE field_runs (
                id BIGSERIAL PRIMARY KEY,
                version_id TEXT NOT NULL REFERENCES versions(id),
                field TEXT NOT NULL,
                method TEXT NOT NULL,
                settings_json TEXT NOT NULL,
                model TEXT,
                value_count INTEGER NOT NULL,
                created_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX field_runs_version ON field_runs(version_id, field, id);
            CREATE TABLE field_values (
                run_id BIGINT NOT NULL REFERENCES field_runs(id),
                ord INTEGER NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (run_id, ord));
            CREATE INDEX field_values_value ON field_values(run_id, value, ord);
            CREATE TABLE field_label_values (
                run_id BIGINT NOT NULL REFERENCES field_runs(id),
                label TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                ord INTEGER NOT NULL,
                PRIMARY KEY (run_id, label, value, ord));
            CREATE TABLE field_label_indexed (
                run_id BIGINT PRIMARY KEY REFERENCES field_runs(id));
            """),
    ];

    /// <summary>The browser's tables, parents first (what <c>seer admin migrate</c> copies).</summary>
    public static readonly IReadOnlyList<string> Tables =
        ["browse_indexed", "browse_image_facts", "browse_image_labels", "field_runs", "field_values", "field_label_values", "field_label_indexed"];

    /// <summary>The browser's schema on both databases.</summary>
    public static readonly StoreSchema Schema = new("browse_schema_version", SqliteSteps, "browse_migrations", PostgresSteps);

    /// <summary>The advisory lock name of the browser's derived-index writes (PostgreSQL; SQLite's write lock serialises them).</summary>
    private const string WriteLock = "browse";

    private readonly Workspace _workspace;
    private readonly RelationalDatabase _db;

    public ImageBrowser(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        _workspace = workspace;
        _db = workspace.Database;
        _db.ApplySchema(Schema);
    }

    /// <summary>Names accepted by sort and field filters for a version: the built-in ones and every recorded field.</summary>
    public IReadOnlyList<string> FieldNames(string version)
    {
        using var c = _db.Open();
        return [.. BuiltIn.Keys, .. LatestRuns(c, version).Keys];
    }

    /// <summary>One page of <paramref name="reference"/>'s images as <paramref name="query"/> asks.</summary>
    public ImagePage Query(DatasetRef reference, ImageQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var info = _workspace.Resolve(reference);
        Validate(query);
        using var c = _db.Open();
        EnsureIndexed(c, info.Version);
        var runs = LatestRuns(c, info.Version);

        // Only the joins a filter or the sort needs: box counts (facts) and recorded fields (one run each).
        var needed = new HashSet<string>(StringComparer.Ordinal);
        void Check(string name, string what)
        {
            if (!BuiltIn.ContainsKey(name) && !runs.ContainsKey(name))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"unknown {what} field '{name}' for {info.Dataset}@{info.Version[..10]}; fields: {string.Join(", ", BuiltIn.Keys.Concat(runs.Keys))}", name);
        }
        string FieldSql(string name, string what)
        {
            Check(name, what);
            needed.Add(name);
            return BuiltIn.TryGetValue(name, out var sql) ? sql : $"fv_{name}.value";
        }

        string sortName = string.IsNullOrEmpty(query.Sort) ? "index" : query.Sort;
        Check(sortName, "sort");
        if (!string.IsNullOrEmpty(query.Field)) Check(query.Field, "filter");
        bool desc = query.Order is "desc";
        bool otherFilters = query.State is "labelled" or "unlabelled" || !string.IsNullOrEmpty(query.Text);

        // The two shapes a grid asks most, answered from one index range each (no sort, no scan of the version):
        // the version's order unfiltered (the page's indices are the offsets themselves), and a label filter sorted by
        // a recorded field (the run's (label, value, index) table), with or without bounds on that same field.
        if (!otherFilters && string.IsNullOrEmpty(query.Label) && string.IsNullOrEmpty(query.Field) && sortName == "index")
        {
            long count = info.ImageCount;
            var direct = new List<int>(query.Limit);
            for (long k = query.Offset; k < Math.Min(count, (long)query.Offset + query.Limit); k++)
                direct.Add((int)(desc ? count - 1 - k : k));
            return new ImagePage(info.Dataset, info.Version, count, query.Offset, Rows(c, info.Version, runs, direct));
        }
        if (!otherFilters && !string.IsNullOrEmpty(query.Label) && runs.TryGetValue(sortName, out var sortRun)
            && (string.IsNullOrEmpty(query.Field) || query.Field == sortName))
        {
            var (count, picked) = LabelSortedByField(c, info.Version, sortRun.Id, query, desc);
            return new ImagePage(info.Dataset, info.Version, count, query.Offset, Rows(c, info.Version, runs, picked));
        }

        var where = new StringBuilder(" WHERE vi.version_id = @v");
        var parameters = new List<(string Name, object? Value)> { ("v", info.Version) };
        bool filtered = false;
        if (!string.IsNullOrEmpty(query.Label))
        {
            where.Append(" AND vi.ord IN (SELECT ord FROM browse_image_labels WHERE version_id = @v AND label = @label)");
            parameters.Add(("label", query.Label));
        }
        if (query.State is "labelled" or "unlabelled")
        {
            where.Append(" AND vi.labelled = @labelled");
            parameters.Add(("labelled", query.State == "labelled"));
            filtered = true;
        }
        if (!string.IsNullOrEmpty(query.Text))
        {
            where.Append(CultureInfo.InvariantCulture, $" AND vi.file_name {_db.CaseInsensitiveLike} @q ESCAPE '\\'");
            parameters.Add(("q", "%" + query.Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%"));
            filtered = true;
        }
        if (!string.IsNullOrEmpty(query.Field))
        {
            string field = FieldSql(query.Field, "filter");
            if (query.Min is double min)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND {field} >= @min");
                parameters.Add(("min", min));
            }
            if (query.Max is double max)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND {field} <= @max");
                parameters.Add(("max", max));
            }
            if (query.Min is null && query.Max is null) where.Append(CultureInfo.InvariantCulture, $" AND {field} IS NOT NULL");
            filtered = true;
        }
        var filterJoins = Joins(needed, runs);
        string sort = FieldSql(sortName, "sort") + (sortName == "file_name" ? _db.ByteOrder : "");
        string order = desc ? "DESC" : "ASC";
        // Images without a value of a recorded field come last either way.
        string nulls = runs.ContainsKey(sortName) ? $"{sort} IS NULL, " : "";

        DbCommand Command(string sql) => RelationalDatabase.Command(c, null, sql, [.. parameters]);

        // The total: the version's count, the label's pairs, or a count with the filters' joins only.
        long total;
        string countSql = filtered ? $"SELECT COUNT(*) FROM version_images vi{filterJoins}{where}"
            : !string.IsNullOrEmpty(query.Label) ? "SELECT COUNT(*) FROM browse_image_labels WHERE version_id = @v AND label = @label"
            : "SELECT image_count FROM versions WHERE id = @v";
        using (var count = Command(countSql))
            total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);

        // Step 1: the page's image indices (filters and sort only); step 2: those rows with every field.
        var ords = new List<int>(query.Limit);
        using (var pick = Command($"SELECT vi.ord FROM version_images vi{Joins(needed, runs)}{where} ORDER BY {nulls}{sort} {order}, vi.ord {order} LIMIT @limit OFFSET @offset"))
        {
            RelationalDatabase.AddParameter(pick, "limit", query.Limit);
            RelationalDatabase.AddParameter(pick, "offset", query.Offset);
            using var r = pick.ExecuteReader();
            while (r.Read()) ords.Add(r.GetInt32(0));
        }
        return new ImagePage(info.Dataset, info.Version, total, query.Offset, Rows(c, info.Version, runs, ords));
    }

    /// <summary>The rows of the given image indices, in that order, with box counts and every recorded field.</summary>
    private static List<BrowsedImage> Rows(DbConnection c, string version, SortedDictionary<string, (long Id, string Method)> runs, List<int> ords)
    {
        var images = new List<BrowsedImage>(ords.Count);
        if (ords.Count > 0)
        {
            var all = new HashSet<string>(runs.Keys.Append("box_count"), StringComparer.Ordinal);
            var select = new StringBuilder("SELECT vi.ord, vi.content_hash, vi.file_name, vi.width, vi.height, vi.labelled, vi.annotations_json, f.objects");
            foreach (var field in runs.Keys) select.Append(CultureInfo.InvariantCulture, $", fv_{field}.value");
            select.Append(CultureInfo.InvariantCulture, $" FROM version_images vi{Joins(all, runs)} WHERE vi.version_id = @v AND vi.ord IN ({string.Join(",", ords)})");
            using var rows = RelationalDatabase.Command(c, null, select.ToString(), ("v", version));
            var byOrd = new Dictionary<int, BrowsedImage>(ords.Count);
            var names = runs.Keys.ToArray();
            using (var r = rows.ExecuteReader())
                while (r.Read())
                {
                    var record = ImageJson.Read(r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetBoolean(5), r.GetString(6));
                    var fields = new Dictionary<string, double?>(names.Length, StringComparer.Ordinal);
                    for (int i = 0; i < names.Length; i++) fields[names[i]] = r.IsDBNull(8 + i) ? null : r.GetDouble(8 + i);
                    byOrd[r.GetInt32(0)] = new BrowsedImage(r.GetInt32(0), record, r.GetInt32(7), fields);
                }
            images.AddRange(ords.Select(o => byOrd[o]));
        }
        return images;
    }

    /// <summary>
    /// A label filter sorted by a recorded field (optionally bounded on that field): the images with a value come from
    /// the run's (label, value, index) index in order; unbounded, the label's images without a value follow in index
    /// order. Counts are index-range counts.
    /// </summary>
    private (long Total, List<int> Ords) LabelSortedByField(DbConnection c, string version, long run, ImageQuery query, bool desc)
    {
        EnsureLabelFieldIndex(c, version, run, null);
        string order = desc ? "DESC" : "ASC";
        bool bounded = !string.IsNullOrEmpty(query.Field);
        string bounds = (query.Min is null ? "" : " AND value >= @min") + (query.Max is null ? "" : " AND value <= @max");
        DbCommand Command(string sql)
        {
            var cmd = RelationalDatabase.Command(c, null, sql, ("v", version), ("r", run), ("label", query.Label));
            if (query.Min is double min) RelationalDatabase.AddParameter(cmd, "min", min);
            if (query.Max is double max) RelationalDatabase.AddParameter(cmd, "max", max);
            return cmd;
        }
        long withValue, total;
        using (var count = Command($"SELECT COUNT(*) FROM field_label_values WHERE run_id = @r AND label = @label{bounds}"))
            withValue = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (bounded) total = withValue;
        else
            using (var count = Command("SELECT COUNT(*) FROM browse_image_labels WHERE version_id = @v AND label = @label"))
                total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        var ords = new List<int>(query.Limit);
        if (query.Offset < withValue)
            using (var pick = Command($"SELECT ord FROM field_label_values WHERE run_id = @r AND label = @label{bounds} ORDER BY value {order}, ord {order} LIMIT @limit OFFSET @offset"))
            {
                RelationalDatabase.AddParameter(pick, "limit", query.Limit);
                RelationalDatabase.AddParameter(pick, "offset", query.Offset);
                using var r = pick.ExecuteReader();
                while (r.Read()) ords.Add(r.GetInt32(0));
            }
        if (!bounded && ords.Count < query.Limit && query.Offset + ords.Count < total)
            using (var rest = Command($"SELECT l.ord FROM browse_image_labels l WHERE l.version_id = @v AND l.label = @label " +
                $"AND NOT EXISTS (SELECT 1 FROM field_values fv WHERE fv.run_id = @r AND fv.ord = l.ord) ORDER BY l.ord {order} LIMIT @limit OFFSET @offset"))
            {
                RelationalDatabase.AddParameter(rest, "limit", query.Limit - ords.Count);
                RelationalDatabase.AddParameter(rest, "offset", Math.Max(0, query.Offset - withValue));
                using var r = rest.ExecuteReader();
                while (r.Read()) ords.Add(r.GetInt32(0));
            }
        return (total, ords);
    }

    /// <summary>Derives a run's (label, value, index) rows once from the version's label pairs, marking the run done.</summary>
    private void EnsureLabelFieldIndex(DbConnection c, string version, long run, DbTransaction? outer)
    {
        bool Done(DbTransaction? tx)
        {
            using var cmd = RelationalDatabase.Command(c, tx, "SELECT 1 FROM field_label_indexed WHERE run_id = @r", ("r", run));
            return cmd.ExecuteScalar() is not null;
        }
        if (outer is null && Done(null)) return;
        var tx = outer ?? _db.BeginWrite(c, WriteLock);
        try
        {
            if (!Done(tx))
                RelationalDatabase.Execute(c, tx, """
                    INSERT INTO field_label_values (run_id, label, value, ord)
                      SELECT fv.run_id, l.label, fv.value, fv.ord FROM browse_image_labels l
                      JOIN field_values fv ON fv.run_id = @r AND fv.ord = l.ord WHERE l.version_id = @v;
                    INSERT INTO field_label_indexed (run_id) VALUES (@r);
                    """, ("r", run), ("v", version));
            if (outer is null) tx.Commit();
        }
        finally
        {
            if (outer is null) tx.Dispose();
        }
    }

    /// <summary>The joins for the given field names: box counts (browse_image_facts) and each recorded field's latest run.</summary>
    private static string Joins(IEnumerable<string> fields, SortedDictionary<string, (long Id, string Method)> runs)
    {
        var sql = new StringBuilder();
        foreach (var field in fields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (field == "box_count") sql.Append(" JOIN browse_image_facts f ON f.version_id = vi.version_id AND f.ord = vi.ord");
            else if (runs.TryGetValue(field, out var run))
                sql.Append(CultureInfo.InvariantCulture, $" LEFT JOIN field_values fv_{field} ON fv_{field}.run_id = {run.Id} AND fv_{field}.ord = vi.ord");
        }
        return sql.ToString();
    }


    /// <summary>Each image's first tag, or else its first object's label (null when it has neither), by index, read in the database.</summary>
    public string?[] PrimaryLabels(DatasetRef reference)
    {
        var info = _workspace.Resolve(reference);
        var labels = new string?[info.ImageCount];
        using var c = _db.Open();
        using var cmd = RelationalDatabase.Command(c, null, $"""
            SELECT ord, COALESCE({_db.JsonText("annotations_json", "tags", "0")}, {_db.JsonText("annotations_json", "objects", "0", "label")})
            FROM version_images WHERE version_id = @v
            """, ("v", info.Version));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            int ord = r.GetInt32(0);
            if (ord >= 0 && ord < labels.Length && !r.IsDBNull(1)) labels[ord] = r.GetString(1);
        }
        return labels;
    }

    /// <summary>
    /// Records a run of <paramref name="field"/> over a version: one value per image index (images left out have none).
    /// Earlier runs are kept (history); queries read the latest run of each field.
    /// </summary>
    public FieldRun RecordFieldRun(DatasetRef reference, string field, string method, object? settings, string? model,
        IReadOnlyDictionary<int, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var info = _workspace.Resolve(reference);
        ValidateFieldName(field);
        foreach (var (index, value) in values)
        {
            if (index < 0 || index >= info.ImageCount)
                throw new SeerException(ErrorCodes.InvalidInput, $"field '{field}': image index {index} is outside {info.Dataset}@{info.Version[..10]} (0..{info.ImageCount - 1})", field);
            if (!double.IsFinite(value))
                throw new SeerException(ErrorCodes.InvalidInput, $"field '{field}': image {index} has a non-finite value", field);
        }
        string settingsJson = JsonSerializer.Serialize(settings ?? new { }, SnakeCase);
        // To the microsecond, which both databases keep.
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % 10));
        using var c = _db.Open();
        EnsureIndexed(c, info.Version);
        using var tx = _db.BeginWrite(c, WriteLock);
        long id = RelationalDatabase.Scalar(c, tx, """
            INSERT INTO field_runs (version_id, field, method, settings_json, model, value_count, created_at)
            VALUES (@v, @f, @m, @s, @model, @n, @t) RETURNING id
            """, ("v", info.Version), ("f", field), ("m", method), ("s", settingsJson), ("model", model), ("n", values.Count), ("t", _db.Time(now)));
        using (var insert = RelationalDatabase.Command(c, tx, "INSERT INTO field_values (run_id, ord, value) VALUES (@r, @o, @val)",
            ("r", id), ("o", 0), ("val", 0.0)))
        {
            var po = insert.Parameters["@o"];
            var pv = insert.Parameters["@val"];
            foreach (var (index, value) in values)
            {
                po.Value = index;
                pv.Value = value;
                insert.ExecuteNonQuery();
            }
        }
        EnsureLabelFieldIndex(c, info.Version, id, tx);
        tx.Commit();
        return new FieldRun(id, info.Version, field, method, settingsJson, model, now, values.Count);
    }

    /// <summary>Every recorded run over the version <paramref name="reference"/> names, newest first.</summary>
    public IReadOnlyList<FieldRun> FieldRuns(DatasetRef reference)
    {
        var info = _workspace.Resolve(reference);
        using var c = _db.Open();
        using var cmd = RelationalDatabase.Command(c, null,
            "SELECT id, field, method, settings_json, model, created_at, value_count FROM field_runs WHERE version_id = @v ORDER BY id DESC", ("v", info.Version));
        using var r = cmd.ExecuteReader();
        var list = new List<FieldRun>();
        while (r.Read())
            list.Add(new FieldRun(r.GetInt64(0), info.Version, r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                _db.ReadTime(r, 5), r.GetInt32(6)));
        return list;
    }

    /// <summary>Derives the version's query index once (box counts and label pairs), in one write transaction.</summary>
    public void EnsureIndexed(string version)
    {
        using var c = _db.Open();
        EnsureIndexed(c, version);
    }

    private void EnsureIndexed(DbConnection c, string version)
    {
        if (IsIndexed(c, version, null)) return;
        using var tx = _db.BeginWrite(c, WriteLock);
        if (IsIndexed(c, version, tx))
        {
            tx.Commit();
            return;
        }
        RelationalDatabase.Execute(c, tx, $"""
            INSERT INTO browse_image_facts (version_id, ord, objects)
              SELECT version_id, ord, COALESCE({_db.JsonArrayLength("annotations_json", "objects")}, 0)
              FROM version_images WHERE version_id = @v;
            INSERT INTO browse_image_labels (version_id, label, ord)
              SELECT vi.version_id, t.value, vi.ord FROM version_images vi, {_db.JsonArrayElements("vi.annotations_json", "tags", "t", asText: true)}
              WHERE vi.version_id = @v AND vi.annotations_json LIKE '%"tags"%' ON CONFLICT DO NOTHING;
            INSERT INTO browse_image_labels (version_id, label, ord)
              SELECT vi.version_id, {_db.JsonText("o.value", "label")}, vi.ord FROM version_images vi, {_db.JsonArrayElements("vi.annotations_json", "objects", "o", asText: false)}
              WHERE vi.version_id = @v AND vi.annotations_json LIKE '%"objects"%' ON CONFLICT DO NOTHING;
            INSERT INTO browse_indexed (version_id, images, indexed_at)
              VALUES (@v, (SELECT COUNT(*) FROM version_images WHERE version_id = @v), @t);
            """, ("v", version), ("t", _db.Time(DateTimeOffset.UtcNow)));
        tx.Commit();
    }

    private static bool IsIndexed(DbConnection c, string version, DbTransaction? tx)
    {
        using var cmd = RelationalDatabase.Command(c, tx, "SELECT 1 FROM browse_indexed WHERE version_id = @v", ("v", version));
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>The latest run of each field recorded over the version, by field name (ordered by name).</summary>
    private static SortedDictionary<string, (long Id, string Method)> LatestRuns(DbConnection c, string version)
    {
        using var cmd = RelationalDatabase.Command(c, null, """
            SELECT r.field, r.id, r.method FROM field_runs r
            WHERE r.version_id = @v AND r.id = (SELECT MAX(x.id) FROM field_runs x WHERE x.version_id = r.version_id AND x.field = r.field)
            """, ("v", version));
        using var r = cmd.ExecuteReader();
        var runs = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        while (r.Read()) runs[r.GetString(0)] = (r.GetInt64(1), r.GetString(2));
        return runs;
    }

    private static void Validate(ImageQuery q)
    {
        if (q.Offset < 0) throw new SeerException(ErrorCodes.InvalidInput, $"offset {q.Offset} is negative", "offset");
        if (q.Limit is < 1 or > MaxLimit) throw new SeerException(ErrorCodes.InvalidInput, $"limit {q.Limit} is outside 1..{MaxLimit}", "limit");
        if (q.State is not (null or "" or "labelled" or "unlabelled"))
            throw new SeerException(ErrorCodes.InvalidInput, $"state '{q.State}' is not one of: labelled, unlabelled", "state");
        if (q.Order is not (null or "" or "asc" or "desc"))
            throw new SeerException(ErrorCodes.InvalidInput, $"order '{q.Order}' is not one of: asc, desc", "order");
        if ((q.Min is not null || q.Max is not null) && string.IsNullOrEmpty(q.Field))
            throw new SeerException(ErrorCodes.InvalidInput, "min/max need a field to bound (field=box_count, field=uniqueness, ...)", "field");
        if (q.Min is double min && q.Max is double max && min > max)
            throw new SeerException(ErrorCodes.InvalidInput, $"min {min} is above max {max}", "min");
    }

    private static void ValidateFieldName(string field)
    {
        if (string.IsNullOrEmpty(field) || field.Length > 40 || !char.IsAsciiLetterLower(field[0])
            || !field.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_'))
            throw new SeerException(ErrorCodes.InvalidInput, $"field name '{field}' must be 1-40 of a-z, 0-9 and _, starting with a letter", field);
        if (BuiltIn.ContainsKey(field))
            throw new SeerException(ErrorCodes.InvalidInput, $"field name '{field}' is built in; pick another name", field);
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
