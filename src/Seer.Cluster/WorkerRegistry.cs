using Seer.Data.Postgres;
using System.Globalization;
using Npgsql;
using Seer.Hosting.Postgres;

namespace Seer.Cluster;

/// <summary>
/// The slots each worker advertises (table <c>workers</c>, migration "cluster"): written by the worker when it starts,
/// read by the scheduler to place jobs and by <c>GET /api/workers</c>. Liveness is not kept here but in Orleans'
/// membership table: a worker is usable while its silo is active.
/// </summary>
public sealed class WorkerRegistry(PostgresDatabase db)
{
    public void Register(WorkerSlots worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        using var c = db.Open();
        using var cmd = new NpgsqlCommand("""
            INSERT INTO workers (name, cpu_threads, gpu_ids, address, started_at) VALUES (@n, @c, @g, @a, now())
            ON CONFLICT (name) DO UPDATE SET cpu_threads = EXCLUDED.cpu_threads, gpu_ids = EXCLUDED.gpu_ids,
                address = EXCLUDED.address, started_at = now()
            """, c);
        cmd.Parameters.AddWithValue("n", worker.Name);
        cmd.Parameters.AddWithValue("c", worker.CpuThreads);
        cmd.Parameters.AddWithValue("g", string.Join(',', worker.GpuIds));
        cmd.Parameters.AddWithValue("a", worker.Address);
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<WorkerSlots> List()
    {
        using var c = db.Open();
        using var cmd = new NpgsqlCommand("SELECT name, cpu_threads, gpu_ids, address FROM workers ORDER BY name", c);
        using var r = cmd.ExecuteReader();
        var list = new List<WorkerSlots>();
        while (r.Read())
            list.Add(new WorkerSlots(r.GetString(0), r.GetInt32(1),
                r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
                r.GetString(3)));
        return list;
    }
}
