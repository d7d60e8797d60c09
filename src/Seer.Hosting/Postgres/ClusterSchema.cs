namespace Seer.Hosting.Postgres;

/// <summary>
/// Migration 2 ("cluster"): the tables the Orleans cluster and the shared model store use.
/// <list type="bullet">
/// <item>Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet, invariant <c>Npgsql</c>): the provider reads its
/// statements from <c>OrleansQuery</c> by key and binds parameters and result columns by name. The tables keep the names
/// Orleans documents (<c>OrleansMembershipVersionTable</c>, <c>OrleansMembershipTable</c>); the statements are Seer's
/// own, written against that contract as single SQL statements (no stored functions): a membership write changes the
/// row and bumps the table version only while the version the silo read still holds (the version row is locked first),
/// so two silos never both win a conflicting write.</item>
/// <item><c>workers</c>: the slots each worker advertises when it starts (name, CPU threads, GPU ids, address).</item>
/// <item><c>models</c> and <c>model_files</c>: a model's record and its files as blob hashes (see <see cref="PostgresModelFiles"/>).</item>
/// </list>
/// </summary>
public static class ClusterSchema
{
    /// <summary>The membership version check every membership write starts with (locks the version row).</summary>
    private const string LockVersion =
        "SELECT DeploymentId FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE";

    private const string MemberColumns =
        "v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version";

    public static readonly string Sql = $$"""
        CREATE TABLE OrleansQuery (
            QueryKey VARCHAR(64) PRIMARY KEY,
            QueryText VARCHAR(8000) NOT NULL);
        CREATE TABLE OrleansMembershipVersionTable (
            DeploymentId VARCHAR(150) PRIMARY KEY,
            Timestamp TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
            Version INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE OrleansMembershipTable (
            DeploymentId VARCHAR(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
            Address VARCHAR(45) NOT NULL,
            Port INTEGER NOT NULL,
            Generation INTEGER NOT NULL,
            SiloName VARCHAR(150) NOT NULL,
            HostName VARCHAR(150) NOT NULL,
            Status INTEGER NOT NULL,
            ProxyPort INTEGER NULL,
            SuspectTimes VARCHAR(8000) NULL,
            StartTime TIMESTAMPTZ(3) NOT NULL,
            IAmAliveTime TIMESTAMPTZ(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation));
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('UpdateIAmAlivetimeKey', $q$
            UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
        $q$),
        ('InsertMembershipVersionKey', $q$
            WITH inserted AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM inserted
        $q$),
        ('InsertMembershipKey', $q$
            WITH v AS ({{LockVersion}}),
            inserted AS (
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT v.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM v
                ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND EXISTS (SELECT 1 FROM inserted) RETURNING 1)
            SELECT count(*)::int FROM bumped
        $q$),
        ('UpdateMembershipKey', $q$
            WITH v AS ({{LockVersion}}),
            updated AS (
                UPDATE OrleansMembershipTable m SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                FROM v WHERE m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
                RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND EXISTS (SELECT 1 FROM updated) RETURNING 1)
            SELECT count(*)::int FROM bumped
        $q$),
        ('MembershipReadRowKey', $q$
            SELECT {{MemberColumns}}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId
        $q$),
        ('MembershipReadAllKey', $q$
            SELECT {{MemberColumns}}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId
        $q$),
        ('DeleteMembershipTableEntriesKey', $q$
            WITH members AS (DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId)
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
        $q$),
        ('GatewaysQueryKey', $q$
            SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
        $q$),
        ('CleanupDefunctSiloEntriesKey', $q$
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3
        $q$),
        ('CleanupDefunctSiloEntryKey', $q$
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation AND Status = 6
        $q$);
        CREATE TABLE workers (
            name TEXT PRIMARY KEY,
            cpu_threads INTEGER NOT NULL,
            gpu_ids TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL DEFAULT now());
        CREATE TABLE models (
            id TEXT PRIMARY KEY,
            record_json TEXT,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
        CREATE TABLE model_files (
            model_id TEXT NOT NULL REFERENCES models(id),
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            length BIGINT NOT NULL,
            PRIMARY KEY (model_id, path));
        """;
}
