using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Metadata;

namespace Seer.Data.Browse;

/// <summary>
/// Pages, filters and sorts a dataset version's images inside SQLite, so a page of a 100k-image version costs one
/// indexed query, never a load of the version. Versions are immutable, so each version's query index (box count per
/// image, and the (label, image) pairs of its tags and objects) is derived once from <c>version_images</c> with JSON1,
/// on first use, in one write transaction, and kept. Recorded fields (uniqueness, mistakenness, per-sample evaluation,
/// ...) are runs over a version (<see cref="RecordFieldRun"/>); the latest run of each field is filterable and sortable.
/// Tables: browse_indexed, browse_image_facts, browse_image_labels, field_runs, field_values, versioned in
/// browse_schema_version beside the data plane's own migrations.
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

    private static readonly IReadOnlyList<(int Version, string Description, string Sql)> Migrations =
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
    ];

    private readonly Workspace _workspace;
    private readonly string _connectionString;

    public ImageBrowser(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        _workspace = workspace;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(workspace.Home, "seer.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = 60,
            Pooling = true,
        }.ToString();
        using var c = Open();
        SqliteMigrations.Apply(c, "browse_schema_version", Migrations);
    }

    /// <summary>Names accepted by sort and field filters for a version: the built-in ones and every recorded field.</summary>
    public IReadOnlyList<string> FieldNames(string version)
    {
        using var c = Open();
        return [.. BuiltIn.Keys, .. LatestRuns(c, version).Keys];
    }

    /// <summary>One page of <paramref name="reference"/>'s images as <paramref name="query"/> asks.</summary>
    public ImagePage Query(DatasetRef reference, ImageQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var info = _workspace.Resolve(reference);
        Validate(query);
        using var c = Open();
        EnsureIndexed(c, info.Version);
        var runs = LatestRuns(c, info.Version);

        // Only the joins a filter or the sort needs: box counts (facts) and recorded fields (one run each).
        var needed = new HashSet<string>(StringComparer.Ordinal);
        string FieldSql(string name, string what)
        {
            if (!BuiltIn.TryGetValue(name, out var sql) && !runs.ContainsKey(name))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"unknown {what} field '{name}' for {info.Dataset}@{info.Version[..10]}; fields: {string.Join(", ", BuiltIn.Keys.Concat(runs.Keys))}", name);
            needed.Add(name);
            return sql ?? $"fv_{name}.value";
        }

        var where = new StringBuilder(" WHERE vi.version_id = $v");
        var parameters = new List<(string Name, object Value)> { ("$v", info.Version) };
        bool filtered = false;
        if (!string.IsNullOrEmpty(query.Label))
        {
            where.Append(" AND vi.ord IN (SELECT ord FROM browse_image_labels WHERE version_id = $v AND label = $label)");
            parameters.Add(("$label", query.Label));
        }
        if (query.State is "labelled" or "unlabelled")
        {
            where.Append(query.State == "labelled" ? " AND vi.labelled = 1" : " AND vi.labelled = 0");
            filtered = true;
        }
        if (!string.IsNullOrEmpty(query.Text))
        {
            where.Append(" AND vi.file_name LIKE $q ESCAPE '\\'");
            parameters.Add(("$q", "%" + query.Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%"));
            filtered = true;
        }
        if (!string.IsNullOrEmpty(query.Field))
        {
            string field = FieldSql(query.Field, "filter");
            if (query.Min is double min)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND {field} >= $min");
                parameters.Add(("$min", min));
            }
            if (query.Max is double max)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND {field} <= $max");
                parameters.Add(("$max", max));
            }
            if (query.Min is null && query.Max is null) where.Append(CultureInfo.InvariantCulture, $" AND {field} IS NOT NULL");
            filtered = true;
        }
        var filterJoins = Joins(needed, runs);
        string sortName = string.IsNullOrEmpty(query.Sort) ? "index" : query.Sort;
        string sort = FieldSql(sortName, "sort");
        string order = query.Order is "desc" ? "DESC" : "ASC";
        // Images without a value of a recorded field come last either way.
        string nulls = runs.ContainsKey(sortName) ? $"{sort} IS NULL, " : "";

        SqliteCommand Command(string sql)
        {
            var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
            return cmd;
        }

        // The total: the version's count, the label's pairs, or a count with the filters' joins only.
        long total;
        string countSql = filtered ? $"SELECT COUNT(*) FROM version_images vi{filterJoins}{where}"
            : !string.IsNullOrEmpty(query.Label) ? "SELECT COUNT(*) FROM browse_image_labels WHERE version_id = $v AND label = $label"
            : "SELECT image_count FROM versions WHERE id = $v";
        using (var count = Command(countSql))
            total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);

        // Step 1: the page's image indices (filters and sort only); step 2: those rows with every field.
        var ords = new List<int>(query.Limit);
        using (var pick = Command($"SELECT vi.ord FROM version_images vi{Joins(needed, runs)}{where} ORDER BY {nulls}{sort} {order}, vi.ord {order} LIMIT $limit OFFSET $offset"))
        {
            pick.Parameters.AddWithValue("$limit", query.Limit);
            pick.Parameters.AddWithValue("$offset", query.Offset);
            using var r = pick.ExecuteReader();
            while (r.Read()) ords.Add(r.GetInt32(0));
        }
        var images = new List<BrowsedImage>(ords.Count);
        if (ords.Count > 0)
        {
            var all = new HashSet<string>(runs.Keys.Append("box_count"), StringComparer.Ordinal);
            var select = new StringBuilder("SELECT vi.ord, vi.content_hash, vi.file_name, vi.width, vi.height, vi.labelled, vi.annotations_json, f.objects");
            foreach (var field in runs.Keys) select.Append(CultureInfo.InvariantCulture, $", fv_{field}.value");
            select.Append(CultureInfo.InvariantCulture, $" FROM version_images vi{Joins(all, runs)} WHERE vi.version_id = $v AND vi.ord IN ({string.Join(",", ords)})");
            using var rows = c.CreateCommand();
            rows.CommandText = select.ToString();
            rows.Parameters.AddWithValue("$v", info.Version);
            var byOrd = new Dictionary<int, BrowsedImage>(ords.Count);
            var names = runs.Keys.ToArray();
            using (var r = rows.ExecuteReader())
                while (r.Read())
                {
                    var record = ImageJson.Read(r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5) != 0, r.GetString(6));
                    var fields = new Dictionary<string, double?>(names.Length, StringComparer.Ordinal);
                    for (int i = 0; i < names.Length; i++) fields[names[i]] = r.IsDBNull(8 + i) ? null : r.GetDouble(8 + i);
                    byOrd[r.GetInt32(0)] = new BrowsedImage(r.GetInt32(0), record, r.GetInt32(7), fields);
                }
            images.AddRange(ords.Select(o => byOrd[o]));
        }
        return new ImagePage(info.Dataset, info.Version, total, query.Offset, images);
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
        string now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        using var c = Open();
        using var tx = c.BeginTransaction();
        long id;
        using (var run = c.CreateCommand())
        {
            run.Transaction = tx;
            run.CommandText = """
                INSERT INTO field_runs (version_id, field, method, settings_json, model, value_count, created_at)
                VALUES ($v, $f, $m, $s, $model, $n, $t) RETURNING id
                """;
            run.Parameters.AddWithValue("$v", info.Version);
            run.Parameters.AddWithValue("$f", field);
            run.Parameters.AddWithValue("$m", method);
            run.Parameters.AddWithValue("$s", settingsJson);
            run.Parameters.AddWithValue("$model", (object?)model ?? DBNull.Value);
            run.Parameters.AddWithValue("$n", values.Count);
            run.Parameters.AddWithValue("$t", now);
            id = Convert.ToInt64(run.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        using (var insert = c.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO field_values (run_id, ord, value) VALUES ($r, $o, $val)";
            var pr = insert.Parameters.Add("$r", SqliteType.Integer);
            var po = insert.Parameters.Add("$o", SqliteType.Integer);
            var pv = insert.Parameters.Add("$val", SqliteType.Real);
            pr.Value = id;
            foreach (var (index, value) in values)
            {
                po.Value = index;
                pv.Value = value;
                insert.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return new FieldRun(id, info.Version, field, method, settingsJson, model, DateTimeOffset.Parse(now, CultureInfo.InvariantCulture), values.Count);
    }

    /// <summary>Every recorded run over the version <paramref name="reference"/> names, newest first.</summary>
    public IReadOnlyList<FieldRun> FieldRuns(DatasetRef reference)
    {
        var info = _workspace.Resolve(reference);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, field, method, settings_json, model, created_at, value_count FROM field_runs WHERE version_id = $v ORDER BY id DESC";
        cmd.Parameters.AddWithValue("$v", info.Version);
        using var r = cmd.ExecuteReader();
        var list = new List<FieldRun>();
        while (r.Read())
            list.Add(new FieldRun(r.GetInt64(0), info.Version, r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                DateTimeOffset.Parse(r.GetString(5), CultureInfo.InvariantCulture), r.GetInt32(6)));
        return list;
    }

    /// <summary>Derives the version's query index once (box counts and label pairs), in one write transaction.</summary>
    public void EnsureIndexed(string version)
    {
        using var c = Open();
        EnsureIndexed(c, version);
    }

    private static void EnsureIndexed(SqliteConnection c, string version)
    {
        if (IsIndexed(c, version, null)) return;
        using var tx = c.BeginTransaction();
        if (IsIndexed(c, version, tx))
        {
            tx.Commit();
            return;
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO browse_image_facts (version_id, ord, objects)
                  SELECT version_id, ord, COALESCE(json_array_length(annotations_json, '$.objects'), 0)
                  FROM version_images WHERE version_id = $v;
                INSERT OR IGNORE INTO browse_image_labels (version_id, label, ord)
                  SELECT vi.version_id, t.value, vi.ord FROM version_images vi, json_each(vi.annotations_json, '$.tags') t
                  WHERE vi.version_id = $v AND vi.annotations_json LIKE '%"tags"%';
                INSERT OR IGNORE INTO browse_image_labels (version_id, label, ord)
                  SELECT vi.version_id, json_extract(o.value, '$.label'), vi.ord FROM version_images vi, json_each(vi.annotations_json, '$.objects') o
                  WHERE vi.version_id = $v AND vi.annotations_json LIKE '%"objects"%';
                INSERT INTO browse_indexed (version_id, images, indexed_at)
                  VALUES ($v, (SELECT COUNT(*) FROM version_images WHERE version_id = $v), $t);
                """;
            cmd.Parameters.AddWithValue("$v", version);
            cmd.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static bool IsIndexed(SqliteConnection c, string version, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT 1 FROM browse_indexed WHERE version_id = $v";
        cmd.Parameters.AddWithValue("$v", version);
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>The latest run of each field recorded over the version, by field name (ordered by name).</summary>
    private static SortedDictionary<string, (long Id, string Method)> LatestRuns(SqliteConnection c, string version)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT field, MAX(id), method FROM field_runs WHERE version_id = $v GROUP BY field";
        cmd.Parameters.AddWithValue("$v", version);
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

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
