using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Seer.Core.Errors;

namespace Seer.Workflows.Runs;

/// <summary>
/// Runs and their step instances in <c>&lt;home&gt;/flows/runs.db</c> (SQLite, WAL): one row a run (the flow text it
/// started with, its parameters, state, outputs) and one row a step instance (key <c>step</c> or
/// <c>foreach[i].step</c>, state, the substituted inputs and their hash, outputs, card file, times, error). Every
/// change is one statement, so a kill leaves finished steps recorded and the running ones marked running, which a
/// resume runs again. Writes from parallel branches are serialised on one connection.
/// </summary>
public sealed class FlowRunStore : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();

    public FlowRunStore(string home)
    {
        Directory = Path.Combine(home, "flows");
        System.IO.Directory.CreateDirectory(Directory);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Directory, "runs.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;");
        Exec("""
            CREATE TABLE IF NOT EXISTS runs (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, file TEXT NOT NULL, flow_text TEXT NOT NULL,
                flow_format TEXT NOT NULL, params_json TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
                finished_at TEXT, outputs_json TEXT, error TEXT);
            CREATE TABLE IF NOT EXISTS steps (
                run_id TEXT NOT NULL, key TEXT NOT NULL, step_id TEXT NOT NULL, branch INTEGER, seq INTEGER NOT NULL,
                state TEXT NOT NULL, inputs_hash TEXT, inputs_json TEXT, outputs_json TEXT, card TEXT,
                started_at TEXT, finished_at TEXT, error TEXT, PRIMARY KEY (run_id, key));
            CREATE INDEX IF NOT EXISTS steps_by_step ON steps(run_id, step_id, branch);
            """);
    }

    /// <summary><c>&lt;home&gt;/flows</c>: runs.db and one folder a run (cards, artifacts).</summary>
    public string Directory { get; }

    public string RunDirectory(string runId) => Path.Combine(Directory, runId);

    public void CreateRun(FlowRunInfo run)
    {
        lock (gate)
        {
            using var cmd = Command("""
                INSERT INTO runs (id, name, file, flow_text, flow_format, params_json, state, created_at)
                VALUES ($id, $name, $file, $text, $format, $params, $state, $at)
                """);
            cmd.Parameters.AddWithValue("$id", run.Id);
            cmd.Parameters.AddWithValue("$name", run.Name);
            cmd.Parameters.AddWithValue("$file", run.File);
            cmd.Parameters.AddWithValue("$text", run.FlowText);
            cmd.Parameters.AddWithValue("$format", run.FlowFormat);
            cmd.Parameters.AddWithValue("$params", run.Params.ToJsonString());
            cmd.Parameters.AddWithValue("$state", run.State);
            cmd.Parameters.AddWithValue("$at", run.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
    }

    public void FinishRun(string runId, string state, JsonObject? outputs, string? error)
    {
        lock (gate)
        {
            using var cmd = Command("UPDATE runs SET state = $state, finished_at = $at, outputs_json = $out, error = $error WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", runId);
            cmd.Parameters.AddWithValue("$state", state);
            cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$out", (object?)outputs?.ToJsonString() ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
    }

    public void MarkRunning(string runId)
    {
        lock (gate)
        {
            using var cmd = Command("UPDATE runs SET state = 'running', finished_at = NULL, error = NULL WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", runId);
            cmd.ExecuteNonQuery();
        }
    }

    public FlowRunInfo GetRun(string runId) => FindRun(runId)
        ?? throw new SeerException(ErrorCodes.NotFound, $"flow run '{runId}' not found; see seer flow list");

    public FlowRunInfo? FindRun(string runId)
    {
        lock (gate)
        {
            using var cmd = Command("SELECT id, name, file, flow_text, flow_format, params_json, state, created_at, finished_at, outputs_json, error FROM runs WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", runId);
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadRun(r) : null;
        }
    }

    public IReadOnlyList<FlowRunInfo> ListRuns()
    {
        lock (gate)
        {
            using var cmd = Command("SELECT id, name, file, flow_text, flow_format, params_json, state, created_at, finished_at, outputs_json, error FROM runs ORDER BY created_at DESC, id DESC");
            using var r = cmd.ExecuteReader();
            var list = new List<FlowRunInfo>();
            while (r.Read()) list.Add(ReadRun(r));
            return list;
        }
    }

    /// <summary>The recorded instance of a step, or null.</summary>
    public FlowStepRecord? FindStep(string runId, string key)
    {
        lock (gate)
        {
            using var cmd = Command($"{StepColumns} WHERE run_id = $run AND key = $key");
            cmd.Parameters.AddWithValue("$run", runId);
            cmd.Parameters.AddWithValue("$key", key);
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadStep(r) : null;
        }
    }

    /// <summary>Every step instance of a run in the order they started.</summary>
    public IReadOnlyList<FlowStepRecord> ListSteps(string runId)
    {
        lock (gate)
        {
            using var cmd = Command($"{StepColumns} WHERE run_id = $run ORDER BY seq, key");
            cmd.Parameters.AddWithValue("$run", runId);
            using var r = cmd.ExecuteReader();
            var list = new List<FlowStepRecord>();
            while (r.Read()) list.Add(ReadStep(r));
            return list;
        }
    }

    /// <summary>Streams the branch instances of one body step of a foreach (for joins), in branch order, without
    /// holding them all in memory.</summary>
    public IEnumerable<FlowStepRecord> BranchSteps(string runId, string stepId)
    {
        long after = -1;
        while (true)
        {
            List<FlowStepRecord> page;
            lock (gate)
            {
                using var cmd = Command($"{StepColumns} WHERE run_id = $run AND step_id = $step AND branch > $after ORDER BY branch LIMIT 512");
                cmd.Parameters.AddWithValue("$run", runId);
                cmd.Parameters.AddWithValue("$step", stepId);
                cmd.Parameters.AddWithValue("$after", after);
                using var r = cmd.ExecuteReader();
                page = [];
                while (r.Read()) page.Add(ReadStep(r));
            }
            foreach (var s in page) yield return s;
            if (page.Count < 512) yield break;
            after = page[^1].Branch ?? after;
        }
    }

    public void StartStep(string runId, string key, string stepId, int? branch, long seq, string inputsHash, JsonNode? inputs)
    {
        lock (gate)
        {
            using var cmd = Command("""
                INSERT INTO steps (run_id, key, step_id, branch, seq, state, inputs_hash, inputs_json, started_at)
                VALUES ($run, $key, $step, $branch, $seq, 'running', $hash, $inputs, $at)
                ON CONFLICT (run_id, key) DO UPDATE SET state = 'running', seq = $seq, inputs_hash = $hash,
                    inputs_json = $inputs, outputs_json = NULL, card = NULL, started_at = $at, finished_at = NULL, error = NULL
                """);
            cmd.Parameters.AddWithValue("$run", runId);
            cmd.Parameters.AddWithValue("$key", key);
            cmd.Parameters.AddWithValue("$step", stepId);
            cmd.Parameters.AddWithValue("$branch", (object?)branch ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$seq", seq);
            cmd.Parameters.AddWithValue("$hash", inputsHash);
            cmd.Parameters.AddWithValue("$inputs", inputs?.ToJsonString() ?? "null");
            cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
    }

    public void FinishStep(string runId, string key, string state, JsonObject? outputs, string? card, string? error)
    {
        lock (gate)
        {
            using var cmd = Command("""
                UPDATE steps SET state = $state, outputs_json = $out, card = $card, finished_at = $at, error = $error
                WHERE run_id = $run AND key = $key
                """);
            cmd.Parameters.AddWithValue("$run", runId);
            cmd.Parameters.AddWithValue("$key", key);
            cmd.Parameters.AddWithValue("$state", state);
            cmd.Parameters.AddWithValue("$out", (object?)outputs?.ToJsonString() ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$card", (object?)card ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
    }

    private const string StepColumns = "SELECT key, step_id, branch, seq, state, inputs_hash, inputs_json, outputs_json, card, started_at, finished_at, error FROM steps";

    private static FlowStepRecord ReadStep(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetInt64(3), r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : JsonNode.Parse(r.GetString(6)),
        r.IsDBNull(7) ? null : JsonNode.Parse(r.GetString(7)) as JsonObject, r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : DateTimeOffset.Parse(r.GetString(9), CultureInfo.InvariantCulture),
        r.IsDBNull(10) ? null : DateTimeOffset.Parse(r.GetString(10), CultureInfo.InvariantCulture),
        r.IsDBNull(11) ? null : r.GetString(11));

    private static FlowRunInfo ReadRun(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        JsonNode.Parse(r.GetString(5)) as JsonObject ?? [], r.GetString(6),
        DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture))
    {
        FinishedAt = r.IsDBNull(8) ? null : DateTimeOffset.Parse(r.GetString(8), CultureInfo.InvariantCulture),
        Outputs = r.IsDBNull(9) ? null : JsonNode.Parse(r.GetString(9)) as JsonObject,
        Error = r.IsDBNull(10) ? null : r.GetString(10),
    };

    private SqliteCommand Command(string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private void Exec(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}

/// <summary>A run as recorded.</summary>
public sealed record FlowRunInfo(string Id, string Name, string File, string FlowText, string FlowFormat, JsonObject Params,
    string State, DateTimeOffset CreatedAt)
{
    public DateTimeOffset? FinishedAt { get; init; }
    public JsonObject? Outputs { get; init; }
    public string? Error { get; init; }
}

/// <summary>A step instance as recorded.</summary>
public sealed record FlowStepRecord(string Key, string StepId, int? Branch, long Seq, string State, string? InputsHash,
    JsonNode? Inputs, JsonObject? Outputs, string? Card, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);
