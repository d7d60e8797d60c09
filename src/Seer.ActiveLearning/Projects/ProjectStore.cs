using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Relational;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// Projects, their iterations and every step, in the workspace's database beside its dataset metadata
/// (<see cref="Workspace.Database"/>: <c>seer.db</c>, or PostgreSQL with SEER_DB; tables <c>projects</c>,
/// <c>iterations</c>, <c>iteration_steps</c>, made by this library's <see cref="ActiveLearningMigrations"/> when the
/// store opens). One implementation for both databases: the SQL is shared, the differences are
/// <see cref="RelationalDatabase"/>'s. Every change is one committed write, so a process killed at any point leaves the
/// last finished step recorded and the next run starts at the first unfinished one.
/// </summary>
public sealed class ProjectStore : IDisposable
{
    /// <summary>The advisory lock name of project writes that check before they insert (PostgreSQL).</summary>
    private const string WriteLock = "projects";

    private readonly RelationalDatabase _db;
    private readonly Lock _gate = new();

    /// <summary>Opens the project tables of an open workspace, creating or migrating them first.</summary>
    public ProjectStore(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        _db = workspace.Database;
        _db.ApplySchema(ActiveLearningMigrations.Schema);
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
            using var c = _db.Open();
            using var tx = _db.BeginWrite(c, WriteLock);
            if (Find(c, tx, project.Name) is not null)
                throw new SeerException(ErrorCodes.Conflict, $"project '{project.Name}' already exists; see seer project show {project.Name}", project.Name);
            var now = Now();
            long id = RelationalDatabase.Scalar(c, tx, """
                INSERT INTO projects (name, task, owner, classes_json, train_version, val_version, test_version, pool_version, created_at)
                VALUES (@n, @t, @o, @c, @tr, @v, @te, @p, @at) RETURNING id
                """, ("n", project.Name), ("t", project.Task), ("o", project.Owner), ("c", JsonSerializer.Serialize(project.Classes)),
                ("tr", project.TrainVersion), ("v", project.ValVersion), ("te", project.TestVersion), ("p", project.PoolVersion), ("at", _db.Time(now)));
            tx.Commit();
            return project with { Id = id, CreatedAt = now };
        }
    }

    /// <summary>The project of that name; not_found (with the known names) otherwise.</summary>
    public Project Get(string name)
    {
        lock (_gate)
        {
            using var c = _db.Open();
            return Find(c, null, name) ?? throw new SeerException(ErrorCodes.NotFound,
                $"project '{name}' does not exist; {(List().Count == 0 ? "create one with seer project create" : "projects: " + string.Join(", ", List().Select(p => p.Name)))}", name);
        }
    }

    public IReadOnlyList<Project> List()
    {
        lock (_gate)
        {
            using var c = _db.Open();
            using var cmd = RelationalDatabase.Command(c, null, SelectProject + " ORDER BY name" + _db.ByteOrder);
            return ReadProjects(cmd);
        }
    }

    /// <summary>Every iteration of a project with its steps, by round.</summary>
    public IReadOnlyList<IterationRecord> Iterations(long projectId)
    {
        lock (_gate)
        {
            using var c = _db.Open();
            var steps = new Dictionary<int, List<StepRecord>>();
            // Steps are put in the iteration's order below; started_at and the name only make the read stable.
            using (var cmd = RelationalDatabase.Command(c, null,
                "SELECT round, step, state, attempts, result_json, started_at, finished_at FROM iteration_steps WHERE project_id = @p ORDER BY round, started_at, step",
                ("p", projectId)))
            {
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    int round = r.GetInt32(0);
                    if (!steps.TryGetValue(round, out var list)) steps[round] = list = [];
                    list.Add(new StepRecord(r.GetString(1), r.GetString(2), r.GetInt32(3), ParseObject(r, 4), _db.ReadTime(r, 5), _db.ReadTimeOrNull(r, 6)));
                }
            }
            var rounds = new List<IterationRecord>();
            using (var cmd = RelationalDatabase.Command(c, null,
                "SELECT round, state, settings_json, train_version, model, labelled, metrics_json, started_at, finished_at FROM iterations WHERE project_id = @p ORDER BY round",
                ("p", projectId)))
            {
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
                        StartedAt = _db.ReadTime(r, 7),
                        FinishedAt = _db.ReadTimeOrNull(r, 8),
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
            using var c = _db.Open();
            RelationalDatabase.Execute(c, null,
                "INSERT INTO iterations (project_id, round, state, settings_json, started_at) VALUES (@p, @r, 'running', @s, @t) ON CONFLICT DO NOTHING",
                ("p", projectId), ("r", round), ("s", settings.ToJsonString()), ("t", _db.Time(Now())));
        }
    }

    public void SetIterationState(long projectId, int round, string state)
    {
        lock (_gate)
        {
            using var c = _db.Open();
            RelationalDatabase.Execute(c, null, "UPDATE iterations SET state = @s WHERE project_id = @p AND round = @r",
                ("p", projectId), ("r", round), ("s", state));
        }
    }

    /// <summary>Marks a round done with what it produced.</summary>
    public void FinishIteration(long projectId, int round, string trainVersion, string model, int labelled, JsonObject metrics)
    {
        lock (_gate)
        {
            using var c = _db.Open();
            RelationalDatabase.Execute(c, null, """
                UPDATE iterations SET state = 'done', train_version = @tv, model = @m, labelled = @l, metrics_json = @mj, finished_at = @t
                WHERE project_id = @p AND round = @r
                """, ("p", projectId), ("r", round), ("tv", trainVersion), ("m", model), ("l", labelled), ("mj", metrics.ToJsonString()),
                ("t", _db.Time(Now())));
        }
    }

    /// <summary>Records that a step started (again): state running, attempts + 1, result kept until it finishes.</summary>
    public void StartStep(long projectId, int round, string step)
    {
        lock (_gate)
        {
            using var c = _db.Open();
            RelationalDatabase.Execute(c, null, """
                INSERT INTO iteration_steps (project_id, round, step, state, attempts, started_at) VALUES (@p, @r, @s, 'running', 1, @t)
                ON CONFLICT (project_id, round, step) DO UPDATE SET state = 'running', attempts = iteration_steps.attempts + 1, started_at = @t, finished_at = NULL
                """, ("p", projectId), ("r", round), ("s", step), ("t", _db.Time(Now())));
        }
    }

    /// <summary>Ends a step as done or waiting, with its result.</summary>
    public void EndStep(long projectId, int round, string step, string state, JsonObject result)
    {
        lock (_gate)
        {
            using var c = _db.Open();
            if (RelationalDatabase.Execute(c, null,
                    "UPDATE iteration_steps SET state = @st, result_json = @j, finished_at = @t WHERE project_id = @p AND round = @r AND step = @s",
                    ("p", projectId), ("r", round), ("s", step), ("st", state), ("j", result.ToJsonString()), ("t", _db.Time(Now()))) != 1)
                throw new SeerException(ErrorCodes.Conflict, $"step {step} of round {round} was not started");
        }
    }

    /// <summary>Nothing to close: connections are pooled by the workspace's database. Kept so callers' <c>using</c> stays valid.</summary>
    public void Dispose()
    {
    }

    private const string SelectProject =
        "SELECT id, name, task, owner, classes_json, train_version, val_version, test_version, pool_version, created_at FROM projects";

    private Project? Find(DbConnection c, DbTransaction? tx, string name)
    {
        using var cmd = RelationalDatabase.Command(c, tx, SelectProject + " WHERE name = @n", ("n", name));
        return ReadProjects(cmd).FirstOrDefault();
    }

    private List<Project> ReadProjects(DbCommand cmd)
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
                CreatedAt = _db.ReadTime(r, 9),
            });
        }
        return list;
    }

    private static JsonObject? ParseObject(DbDataReader r, int i) => r.IsDBNull(i) ? null : JsonNode.Parse(r.GetString(i)) as JsonObject;

    /// <summary>Now, to the microsecond (what both databases keep).</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
