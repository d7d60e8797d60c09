using System.Data.Common;
using Seer.Core.Errors;

namespace Seer.Data.Relational;

/// <summary>What <see cref="TableCopy.Copy"/> did to one table: the source's rows, the rows this run added, the target's rows after.</summary>
public sealed record TableCopyReport(string Table, long SourceRows, long Copied, long TargetRows);

/// <summary>
/// Copies the rows of a store's tables from one workspace database into another (SQLite → PostgreSQL for
/// <c>seer admin migrate</c>), column by column under their shared names: times are re-read and re-bound as each
/// database keeps them, a row the target already has (same key) is kept, each table is one transaction, and identity
/// sequences continue after the copied ids. Tables are given parents first (foreign keys). Afterwards every table is
/// counted on both sides: a target holding fewer rows than the source is an error naming the table.
/// </summary>
public static class TableCopy
{
    /// <summary>Copies <paramref name="tables"/> in order; a table the source does not have (its store never opened) is skipped.</summary>
    public static IReadOnlyList<TableCopyReport> Copy(RelationalDatabase source, RelationalDatabase target, IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tables);
        var reports = new List<TableCopyReport>(tables.Count);
        using var from = source.Open();
        using var to = target.Open();
        foreach (string table in tables)
        {
            SqliteDatabase.Checked(table);
            if (!source.TableExists(from, table)) continue;
            if (!target.TableExists(to, table))
                throw new SeerException(ErrorCodes.Conflict, $"{target.Location} has no table {table}; its store's schema must be applied first", table);
            var sourceTimes = source.TimeColumns(from, table);
            var targetTimes = target.TimeColumns(to, table);
            long sourceRows = RelationalDatabase.Scalar(from, null, $"SELECT COUNT(*) FROM {table}");
            long copied = 0;
            bool hasId = false;
            using (var tx = target.BeginWrite(to, "copy:" + table))
            {
                using (var read = RelationalDatabase.Command(from, null, $"SELECT * FROM {table}"))
                using (var r = read.ExecuteReader())
                {
                    var columns = Enumerable.Range(0, r.FieldCount).Select(r.GetName).ToArray();
                    foreach (var column in columns) SqliteDatabase.Checked(column);
                    hasId = columns.Contains("id", StringComparer.Ordinal);
                    using var insert = RelationalDatabase.Command(to, tx,
                        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@c" + i))}) ON CONFLICT DO NOTHING");
                    var parameters = columns.Select((_, i) => RelationalDatabase.AddParameter(insert, "c" + i, null)).ToArray();
                    while (r.Read())
                    {
                        for (int i = 0; i < columns.Length; i++)
                            parameters[i].Value = r.IsDBNull(i) ? DBNull.Value
                                : sourceTimes.Contains(columns[i]) || targetTimes.Contains(columns[i]) ? target.Time(source.ReadTime(r, i))
                                : r.GetValue(i);
                        copied += insert.ExecuteNonQuery();
                    }
                }
                if (hasId) target.ResetIdentity(to, tx, table);
                tx.Commit();
            }
            long targetRows = RelationalDatabase.Scalar(to, null, $"SELECT COUNT(*) FROM {table}");
            if (targetRows < sourceRows)
                throw new SeerException(ErrorCodes.Conflict,
                    $"table {table}: {targetRows} row(s) in {target.Location} after the copy, {sourceRows} in {source.Location}", table);
            reports.Add(new TableCopyReport(table, sourceRows, copied, targetRows));
        }
        return reports;
    }
}
