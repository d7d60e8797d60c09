using Seer.Data.Postgres;
using System.Security.Cryptography;
using Npgsql;
using Seer.Core.Errors;
using Seer.Core.Storage;
using Seer.Hosting.Training;

namespace Seer.Hosting.Postgres;

/// <summary>
/// Model files in the blob store, the model's record in PostgreSQL (tables <c>models</c> and <c>model_files</c> of
/// <see cref="PostgresMigrations"/>): publishing puts every file of the model folder as a content-addressed blob
/// (put-if-absent, so a checkpoint published twice is stored once) and then records path → hash in one transaction;
/// fetching writes each file under its path (temp + rename), skipping files already there with the same hash.
/// A worker that dies between the two steps leaves only unreferenced blobs: the record always names complete files.
/// </summary>
public sealed class PostgresModelFiles : IModelFiles
{
    private readonly PostgresDatabase _db;
    private readonly IBlobStore _blobs;

    public PostgresModelFiles(PostgresDatabase db, IBlobStore blobs)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _blobs = blobs ?? throw new ArgumentNullException(nameof(blobs));
    }

    public bool Shared => true;

    public void Publish(string modelId, string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        if (!Directory.Exists(folder)) return;
        var files = new List<PublishedModelFile>();
        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            // the running training's OS lock: held (unreadable) by this process, and meaningless on another machine
            if (Path.GetFileName(path) is Seer.Training.Registry.TrainingLock.FileName or Seer.Training.Registry.TrainingLock.MirrorMarker) continue;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var put = _blobs.PutAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            files.Add(new PublishedModelFile(Path.GetRelativePath(folder, path).Replace('\\', '/'), put.Sha256, put.Length));
        }
        string? record = File.Exists(Path.Combine(folder, "model.json")) ? File.ReadAllText(Path.Combine(folder, "model.json")) : null;
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        using (var m = new NpgsqlCommand("""
            INSERT INTO models (id, record_json, updated_at) VALUES (@id, @r, now())
            ON CONFLICT (id) DO UPDATE SET record_json = COALESCE(EXCLUDED.record_json, models.record_json), updated_at = now()
            """, c, tx))
        {
            m.Parameters.AddWithValue("id", modelId);
            m.Parameters.AddWithValue("r", (object?)record ?? DBNull.Value);
            m.ExecuteNonQuery();
        }
        foreach (var f in files)
        {
            using var cmd = new NpgsqlCommand("""
                INSERT INTO model_files (model_id, path, sha256, length) VALUES (@id, @p, @h, @n)
                ON CONFLICT (model_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, length = EXCLUDED.length
                """, c, tx);
            cmd.Parameters.AddWithValue("id", modelId);
            cmd.Parameters.AddWithValue("p", f.Path);
            cmd.Parameters.AddWithValue("h", f.Sha256);
            cmd.Parameters.AddWithValue("n", f.Length);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public bool Fetch(string modelId, string folder, Func<string, bool>? include = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var files = Files(modelId);
        if (files.Count == 0) return false;
        string root = Path.GetFullPath(folder);
        foreach (var f in files)
        {
            if (include is not null && !include(f.Path)) continue;
            string target = Path.GetFullPath(Path.Combine(root, f.Path));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new SeerException(ErrorCodes.InvalidInput, $"model {modelId}: file path '{f.Path}' leaves the model folder", f.Path);
            if (File.Exists(target) && new FileInfo(target).Length == f.Length && Hash(target) == f.Sha256) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // a temp name of this call's own: two requests (or a flow's branches) copying the same model at once
            // must not write into one temp file; the last move wins with the same content
            string temp = $"{target}.{Guid.NewGuid():N}.tmp";
            try
            {
                using (var source = _blobs.OpenRead(f.Sha256))
                using (var output = File.Create(temp))
                    source.CopyTo(output);
                File.Move(temp, target, overwrite: true);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
        }
        return true;
    }

    public void Unpublish(string modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        foreach (string sql in new[] { "DELETE FROM model_files WHERE model_id = @id", "DELETE FROM models WHERE id = @id" })
        {
            using var cmd = new NpgsqlCommand(sql, c, tx);
            cmd.Parameters.AddWithValue("id", modelId);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public IReadOnlyList<PublishedModel> Published()
    {
        using var c = _db.Open();
        // updated_at moves with every publish (now() of its transaction): the version a copy is compared with
        using var cmd = new NpgsqlCommand("SELECT id, (extract(epoch FROM updated_at) * 1000000)::bigint FROM models WHERE record_json IS NOT NULL ORDER BY id", c);
        using var r = cmd.ExecuteReader();
        var list = new List<PublishedModel>();
        while (r.Read()) list.Add(new PublishedModel(r.GetString(0), r.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return list;
    }

    /// <summary>The files published for a model (path, hash, length), in path order.</summary>
    public IReadOnlyList<PublishedModelFile> Files(string modelId)
    {
        using var c = _db.Open();
        using var cmd = new NpgsqlCommand("SELECT path, sha256, length FROM model_files WHERE model_id = @id ORDER BY path", c);
        cmd.Parameters.AddWithValue("id", modelId);
        using var r = cmd.ExecuteReader();
        var list = new List<PublishedModelFile>();
        while (r.Read()) list.Add(new PublishedModelFile(r.GetString(0), r.GetString(1), r.GetInt64(2)));
        return list;
    }

    private static string Hash(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}

