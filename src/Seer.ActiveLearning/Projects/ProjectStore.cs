using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Seer.Core.Errors;
using Seer.Data;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// Projects, their iterations and every step, in the workspace's <c>seer.db</c> (tables <c>projects</c>,
/// <c>iterations</c>, <c>iteration_steps</c>, made by this library's <see cref="ActiveLearningMigrations"/> when the store opens). Every change is one committed write, so a process killed
/// at any point leaves the last finished step recorded and the next run starts at the first unfinished one.
/// </summary>
public sealed class ProjectStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens the project tables of an open workspace, creating or migrating them first.</summary>
    public ProjectStore(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(workspace.Home, "seer.db"),
            Mode = SqliteOpenMode.ReadWrite,
            ForeignKeys = true,
            DefaultTimeout = 60,
            Pooling = false,
        };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("PRAGMA busy_timeout=60000; PRAGMA synchronous=FULL;");
        ActiveLearningMigrations.Apply(_connection);
    }

    /// <summary>Project names: 1–80 characters of letters, digits, '-', '_' and '.'.</summary>
    public static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 80 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"'{name}' is not a valid project name: use 1-80 letters, digits, '-', '_' or '.'", name);
    }

    public Project Create(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        ValidateName(project.Name);
        lock (_gate)
        {
            if (Find(project.Name) is not null)
                throw new SeerException(ErrorCodes.Conflict, $"project '{project.Name}' already exists; see seer project show {project.Name}", project.Name);
            using var cmd = Command("""
                INSERT INTO projects (name, task, owner, classes_json, train_version, val_version, test_version, pool_version, created_at)
                VALUES ($n, $t, $o, $c, $tr, $v, $te, $p, $at) RETURNING id
                """);
            cmd.Parameters.AddWithValue("$n", project.Name);
            cmd.Parameters.AddWithValue("$t", project.Task);
            cmd.Parameters.AddWithValue("$o", (object?)project.Owner ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$c", JsonSerializer.Serialize(project.Classes));
            cmd.Parameters.AddWithValue("$tr", project.TrainVersion);
            cmd.Parameters.AddWithValue("$v", project.ValVersion);
            cmd.Parameters.AddWithValue("$te", (object?)project.TestVersion ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$p", project.PoolVersion);
            var now = DateTimeOffset.UtcNow;
            cmd.Parameters.AddWithValue("$at", now.ToString("O", CultureInfo.InvariantCulture));
            long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            return project with { Id = id, CreatedAt = now };
        }
    }

    /// <summary>The project of that name; not_found (with the known names) otherwise.</summary>
    public Project Get(string name)
    {
        lock (_gate)
        {
            return Find(name) ?? throw new SeerException(ErrorCodes.NotFound,
                $"project '{name}' does not exist; {(List().Count == 0 ? "create one with seer project create" : "projects: " + string.Join(", ", List().Select(p => p.Name)))}", name);
        }
    }

    public IReadOnlyList<Project> List()
    {
        lock (_gate)
        {
            using var cmd = Command(SelectProject + " ORDER BY name");
            return ReadProjects(cmd);
        }
    }

    /// <summary>Every iteration of a project with its steps, by round.</summary>
    public IReadOnlyList<IterationRecord> Iterations(long projectId)
    {
        lock (_gate)
        {
            var steps = new Dictionary<int, List<StepRecord>>();
            using (var cmd = Command("SELECT round, step, state, attempts, result_json, started_at, finished_at FROM iteration_steps WHERE project_id = $p ORDER BY round, started_at, rowid"))
            {
                cmd.Parameters.AddWithValue("$p", projectId);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    int round = r.GetInt32(0);
                    if (!steps.TryGetValue(round, out var list)) steps[round] = list = [];
                    list.Add(new StepRecord(r.GetString(1), r.GetString(2), r.GetInt32(3), ParseObject(r, 4), Time(r, 5)!.Value, Time(r, 6)));
                }
            }
            var rounds = new List<IterationRecord>();
            using (var cmd = Command("SELECT round, state, settings_json, train_version, model, labelled, metrics_json, started_at, finished_at FROM iterations WHERE project_id = $p ORDER BY round"))
            {
                cmd.Parameters.AddWithValue("$p", projectId);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    int round = r.GetInt32(0);
                    var order = IterationStep.For(round).ToList();
                    rounds.Add(new IterationRecord
                    {
                        Round = round,
                        State = r.GetString(1),
                        Settings = ParseObject(r, 2) ?? [],
                        TrainVersion = r.IsDBNull(3) ? null : r.GetString(3),
                        Model = r.IsDBNull(4) ? null : r.GetString(4),
                        Labelled = r.IsDBNull(5) ? null : r.GetInt32(5),
                        Metrics = ParseObject(r, 6),
                        StartedAt = Time(r, 7)!.Value,
                        FinishedAt = Time(r, 8),
                        Steps = steps.TryGetValue(round, out var list) ? list.OrderBy(s => order.IndexOf(s.Step)).ToList() : [],
                    });
                }
            }
            return rounds;
        }
    }

    /// <summary>Records the start of a round with its settings (kept for a resumed run); no-op when it exists.</summary>
    public void StartIteration(long projectId, int round, JsonObject settings)
    {
        lock (_gate)
        {
            using var cmd = Command("INSERT OR IGNORE INTO iterations (project_id, round, state, settings_json, started_at) VALUES ($p, $r, 'running', $s, $t)");
            cmd.Parameters.AddWithValue("$p", projectId);
            cmd.Parameters.AddWithValue("$r", round);
            cmd.Parameters.AddWithValue("$s", settings.ToJsonString());
            cmd.Parameters.AddWithValue("$t", Now());
            cmd.ExecuteNonQuery();
        }
    }

    public void SetIterationState(long projectId, int round, string state)
    {
        lock (_gate)
        {
            using var cmd = Command("UPDATE iterations SET state = $s WHERE project_id = $p AND round = $r");
            cmd.Parameters.AddWithValue("$p", projectId);
            cmd.Parameters.AddWithValue("$r", round);
            cmd.Parameters.AddWithValue("$s", state);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Marks a round done with what it produced.</summary>
    public void FinishIteration(long projectId, int round, string trainVersion, string model, int labelled, JsonObject metrics)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                UPDATE iterations SET state = 'done', train_version = $tv, model = $m, labelled = $l, metrics_json = $mj, finished_at = $t
                WHERE project_id = $p AND round = $r
                """);
            cmd.Parameters.AddWithValue("$p", projectId);
            cmd.Parameters.AddWithValue("$r", round);
            cmd.Parameters.AddWithValue("$tv", trainVersion);
            cmd.Parameters.AddWithValue("$m", model);
            cmd.Parameters.AddWithValue("$l", labelled);
            cmd.Parameters.AddWithValue("$mj", metrics.ToJsonString());
            cmd.Parameters.AddWithValue("$t", Now());
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Records that a step started (again): state running, attempts + 1, result kept until it finishes.</summary>
    public void StartStep(long projectId, int round, string step)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                INSERT INTO iteration_steps (project_id, round, step, state, attempts, started_at) VALUES ($p, $r, $s, 'running', 1, $t)
                ON CONFLICT (project_id, round, step) DO UPDATE SET state = 'running', attempts = attempts + 1, started_at = $t, finished_at = NULL
                """);
            cmd.Parameters.AddWithValue("$p", projectId);
            cmd.Parameters.AddWithValue("$r", round);
            cmd.Parameters.AddWithValue("$s", step);
            cmd.Parameters.AddWithValue("$t", Now());
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Ends a step as done or waiting, with its result.</summary>
    public void EndStep(long projectId, int round, string step, string state, JsonObject result)
    {
        lock (_gate)
        {
            using var cmd = Command("UPDATE iteration_steps SET state = $st, result_json = $j, finished_at = $t WHERE project_id = $p AND round = $r AND step = $s");
            cmd.Parameters.AddWithValue("$p", projectId);
            cmd.Parameters.AddWithValue("$r", round);
            cmd.Parameters.AddWithValue("$s", step);
            cmd.Parameters.AddWithValue("$st", state);
            cmd.Parameters.AddWithValue("$j", result.ToJsonString());
            cmd.Parameters.AddWithValue("$t", Now());
            if (cmd.ExecuteNonQuery() != 1)
                throw new SeerException(ErrorCodes.Conflict, $"step {step} of round {round} was not started");
        }
    }

    public void Dispose() => _connection.Dispose();

    private const string SelectProject =
        "SELECT id, name, task, owner, classes_json, train_version, val_version, test_version, pool_version, created_at FROM projects";

    private Project? Find(string name)
    {
        using var cmd = Command(SelectProject + " WHERE name = $n");
        cmd.Parameters.AddWithValue("$n", name);
        return ReadProjects(cmd).FirstOrDefault();
    }

    private static List<Project> ReadProjects(SqliteCommand cmd)
    {
        var list = new List<Project>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new Project
            {
                Id = r.GetInt64(0),
                Name = r.GetString(1),
                Task = r.GetString(2),
                Owner = r.IsDBNull(3) ? null : r.GetString(3),
                Classes = JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [],
                TrainVersion = r.GetString(5),
                ValVersion = r.GetString(6),
                TestVersion = r.IsDBNull(7) ? null : r.GetString(7),
                PoolVersion = r.GetString(8),
                CreatedAt = Time(r, 9)!.Value,
            });
        }
        return list;
    }

    private static JsonObject? ParseObject(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : JsonNode.Parse(r.GetString(i)) as JsonObject;

    private static DateTimeOffset? Time(SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }
}
