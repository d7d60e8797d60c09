using System.Data.Common;
using Seer.Hosting.Storage;

namespace Seer.Hosting.Jobs;

/// <summary>
/// The job queue in the workspace's SQLite (tables jobs and job_logs): every write runs in an immediate transaction,
/// which serialises writers (claims included); times are ISO-8601 text. The rules are <see cref="RelationalJobQueue"/>'s.
/// </summary>
public sealed class SqliteJobQueue(HostingDatabase db) : RelationalJobQueue
{
    protected override DbConnection Open() => db.OpenSqlite();

    protected override DbTransaction BeginWrite(DbConnection connection) =>
        ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: false);

    protected override string Now => "@now";

    protected override object NowValue() => HostingDatabase.Now();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => HostingDatabase.ParseTime(reader.GetString(ordinal))!.Value;
}
