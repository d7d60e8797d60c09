using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Data.Common;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Data;
using Seer.Data.Relational;
using Seer.Data.Versions;

namespace Seer.Labeling;

/// <summary>
/// Labelling tasks in the workspace's database (<see cref="Workspace.Database"/>: seer.db, or PostgreSQL with SEER_DB;
/// tables of <see cref="LabelingMigrations"/>; one implementation, the dialect's differences are
/// <see cref="RelationalDatabase"/>'s). Every change is one write transaction (SQLite: immediate; PostgreSQL: under
/// the advisory lock "labeling"): it reads the image's row, checks the state, the revision and who asks, and writes the new
/// row with the revision plus one, so two editors of the same image never overwrite each other silently: the one
/// holding a stale revision gets a conflict and nothing changes. <see cref="Commit"/> writes one dataset version
/// (operation <c>label</c>, parent the source version, parameters naming the task) of the accepted images only.
/// </summary>
public sealed class LabelingStore
{
    /// <summary>The operation name of the versions tasks commit.</summary>
    public const string Operation = "label";

    /// <summary>The advisory lock name of labelling writes (PostgreSQL; SQLite's write lock serialises them).</summary>
    private const string WriteLock = "labeling";

    private readonly Workspace _workspace;
    private readonly RelationalDatabase _db;

    public LabelingStore(Workspace workspace)
    {
        _workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
        _db = workspace.Database;
        try
        {
            _db.ApplySchema(LabelingMigrations.Schema);
        }
        catch (DbException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot open the labelling tables of {_db.Location}: {ex.Message}", _db.Location, ex);
        }
    }

    public Workspace Workspace => _workspace;

    // ---------------------------------------------------------------- tasks

    /// <summary>
    /// Makes a task over every image of the version. The version's ground-truth boxes and tags start as each image's
    /// draft; its predicted boxes (or <paramref name="predictions"/>, one record per image in the version's order, e.g.
    /// <c>PreAnnotator</c>'s output) become the offers. Images are split among the assignees in order, in equal runs.
    /// </summary>
    public LabelingTask Create(TaskRequest request, string createdBy, IReadOnlyList<ImageRecord>? predictions = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        var snapshot = _workspace.OpenSnapshot(new DatasetRef(request.Dataset, request.Version));
        if (snapshot.Images.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"{snapshot} has no images to label", snapshot.ToString());
        if (predictions is not null && predictions.Count != snapshot.Images.Count)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"pre-annotations cover {predictions.Count} images but {snapshot} has {snapshot.Images.Count}", snapshot.ToString());
        var classes = Distinct(request.Classes is { Count: > 0 } given ? given
            : snapshot.Classes.Count > 0 ? snapshot.Classes : _workspace.Labels.Labels);
        if (classes.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{snapshot} has no classes and the label space is empty: give the task's classes (\"classes\": [...] or --classes)", snapshot.ToString());
        foreach (var name in classes)
            if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
                throw new SeerException(ErrorCodes.InvalidInput, $"'{name}' is not a usable class name", name);
        string kind = request.Kind?.Trim().ToLowerInvariant() ?? (snapshot.Images.Any(i => i.Tags.Count > 0) && !snapshot.Images.Any(i => i.Objects.Count > 0) ? "classify" : "detect");
        if (kind is not ("detect" or "classify"))
            throw new SeerException(ErrorCodes.InvalidInput, $"task kind must be detect or classify (was '{request.Kind}')", "kind");
        var assignees = Distinct(request.Assignees is { Count: > 0 } a ? a : [createdBy]);
        foreach (var user in assignees.Append(request.Reviewer).OfType<string>())
            if (string.IsNullOrWhiteSpace(user) || user.Length > 64 || user.Any(char.IsWhiteSpace))
                throw new SeerException(ErrorCodes.InvalidInput, $"'{user}' is not a user name", user);
        string into = string.IsNullOrWhiteSpace(request.Into) ? snapshot.Name + "-labels" : request.Into.Trim();
        Workspace.ValidateDatasetName(into);

        using var c = _db.Open();
        using var tx = _db.BeginWrite(c, WriteLock);
        long id;
        using (var cmd = Command(c, tx, """
            INSERT INTO labeling_tasks (dataset, source_version, into_dataset, kind, classes_json, assignees_json, reviewer, model, origin_json, created_by, created_at)
            VALUES (@d, @v, @i, @k, @c, @a, @r, @m, @o, @by, @at) RETURNING id
            """))
        {
            RelationalDatabase.AddParameter(cmd, "d", snapshot.Name);
            RelationalDatabase.AddParameter(cmd, "v", snapshot.Version);
            RelationalDatabase.AddParameter(cmd, "i", into);
            RelationalDatabase.AddParameter(cmd, "k", kind);
            RelationalDatabase.AddParameter(cmd, "c", JsonSerializer.Serialize(classes));
            RelationalDatabase.AddParameter(cmd, "a", JsonSerializer.Serialize(assignees));
            RelationalDatabase.AddParameter(cmd, "r", (object?)request.Reviewer ?? DBNull.Value);
            RelationalDatabase.AddParameter(cmd, "m", (object?)request.Model ?? DBNull.Value);
            RelationalDatabase.AddParameter(cmd, "o", (object?)request.Origin?.ToJsonString() ?? DBNull.Value);
            RelationalDatabase.AddParameter(cmd, "by", createdBy);
            RelationalDatabase.AddParameter(cmd, "at", Now());
            id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        using (var insert = Command(c, tx, """
            INSERT INTO labeling_items (task_id, ord, file_name, content_hash, width, height, assignee, state, revision, objects_json, tags_json, predictions_json)
            VALUES (@t, @o, @f, @h, @w, @hh, @a, 'todo', 0, @obj, @tags, @pred)
            """))
        {
            var p = new[] { "t", "o", "f", "h", "w", "hh", "a", "obj", "tags", "pred" }.Select(n => RelationalDatabase.AddParameter(insert, n, null)).ToArray();
            int n = snapshot.Images.Count;
            for (int i = 0; i < n; i++)
            {
                var image = snapshot.Images[i];
                var offers = (predictions?[i].Objects ?? image.Objects).Where(o => o.Source == AnnotationSource.Predicted)
                    .Select(o => new PredictedBox(o.Label, o.Box, o.Score ?? 0)).ToList();
                var drafts = image.Objects.Where(o => o.Source == AnnotationSource.GroundTruth).Select(o => new LabelBox(o.Label, o.Box)).ToList();
                var tags = image.Tags.ToList();
                // classification: the model's top class starts as the draft tag of an image that has none (the labeller confirms or changes it)
                if (predictions is not null && kind == "classify" && tags.Count == 0) tags = predictions[i].Tags.Where(classes.Contains).ToList();
                p[0].Value = id; p[1].Value = i; p[2].Value = image.FileName; p[3].Value = image.ContentHash;
                p[4].Value = image.Width; p[5].Value = image.Height; p[6].Value = assignees[(int)((long)i * assignees.Count / n)];
                p[7].Value = LabelJson.Objects(drafts); p[8].Value = JsonSerializer.Serialize(tags); p[9].Value = LabelJson.Predictions(offers);
                insert.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return Get(id);
    }

    public LabelingTask Get(long id) => Find(id) ?? throw new SeerException(ErrorCodes.NotFound,
        $"labelling task {id} does not exist (seer label task list)", id.ToString(CultureInfo.InvariantCulture));

    public LabelingTask? Find(long id)
    {
        using var c = _db.Open();
        return ReadTasks(c, "WHERE id = @id", ("id", id)).FirstOrDefault();
    }

    /// <summary>Every task, newest first.</summary>
    public IReadOnlyList<LabelingTask> List()
    {
        using var c = _db.Open();
        return ReadTasks(c, "ORDER BY id DESC");
    }

    // ---------------------------------------------------------------- items

    public IReadOnlyList<LabelingItem> Items(long task)
    {
        Get(task);
        using var c = _db.Open();
        return ReadItems(c, null, "WHERE task_id = @t ORDER BY ord", ("t", task));
    }

    public LabelingItem Item(long task, int image)
    {
        using var c = _db.Open();
        return ItemIn(c, null, task, image);
    }

    /// <summary>
    /// Saves a draft: the image becomes in_progress (a draft is not a submission). Refused with a conflict when
    /// <see cref="ItemEdit.Revision"/> is not the stored revision (someone saved in between: nothing changes), when the
    /// task is committed, or when a labeller edits an image that is submitted or accepted.
    /// </summary>
    public LabelingItem Save(long task, int image, ItemEdit edit, string user, bool isAdmin)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var t = Get(task);
        return Change(t, image, user, (item, c, tx) =>
        {
            RequireEditor(t, item, user, isAdmin);
            CheckRevision(item, edit.Revision);
            if (!ItemStates.Editable(item.State) && !IsReviewer(t, user, isAdmin))
                throw new SeerException(ErrorCodes.Conflict,
                    $"image {image} ({item.FileName}) is {item.State}; only the reviewer can change it now", item.FileName);
            var objects = CheckObjects(t, item, edit.Objects);
            var tags = CheckTags(t, item, edit.Tags);
            var predictions = edit.Predictions is null ? item.Predictions : CheckPredictions(t, item, edit.Predictions);
            string state = item.State is ItemStates.Todo or ItemStates.Rejected ? ItemStates.InProgress : item.State;
            using var cmd = Command(c, tx, """
                UPDATE labeling_items SET objects_json = @o, tags_json = @g, predictions_json = @p, state = @s, revision = revision + 1,
                    updated_by = @u, updated_at = @at WHERE task_id = @t AND ord = @i
                """);
            RelationalDatabase.AddParameter(cmd, "o", LabelJson.Objects(objects));
            RelationalDatabase.AddParameter(cmd, "g", JsonSerializer.Serialize(tags));
            RelationalDatabase.AddParameter(cmd, "p", LabelJson.Predictions(predictions));
            RelationalDatabase.AddParameter(cmd, "s", state);
            Finish(cmd, user, task, image);
        });
    }

    /// <summary>Submits the image: submitted for review, or accepted straight away when the task has no reviewer.</summary>
    public LabelingItem Submit(long task, int image, string user, bool isAdmin, long? revision = null)
    {
        var t = Get(task);
        return Change(t, image, user, (item, c, tx) =>
        {
            RequireEditor(t, item, user, isAdmin);
            if (revision is long r) CheckRevision(item, r);
            if (!ItemStates.Editable(item.State))
                throw new SeerException(ErrorCodes.Conflict, $"image {image} ({item.FileName}) is already {item.State}", item.FileName);
            using var cmd = Command(c, tx, """
                UPDATE labeling_items SET state = @s, revision = revision + 1, updated_by = @u, updated_at = @at WHERE task_id = @t AND ord = @i
                """);
            RelationalDatabase.AddParameter(cmd, "s", t.Reviewer is null ? ItemStates.Accepted : ItemStates.Submitted);
            Finish(cmd, user, task, image);
        });
    }

    /// <summary>The reviewer's verdict on a submitted image: accepted, or rejected with a comment (back to the labeller).</summary>
    public LabelingItem Review(long task, int image, bool accept, string? comment, string user, bool isAdmin)
    {
        var t = Get(task);
        return Change(t, image, user, (item, c, tx) =>
        {
            if (!IsReviewer(t, user, isAdmin))
                throw new SeerException(ErrorCodes.Forbidden,
                    t.Reviewer is null ? $"task {t.Id} has no reviewer; only an admin can review its images" : $"only the reviewer ('{t.Reviewer}') or an admin can review task {t.Id}",
                    t.Id.ToString(CultureInfo.InvariantCulture));
            if (item.State != ItemStates.Submitted)
                throw new SeerException(ErrorCodes.Conflict, $"image {image} ({item.FileName}) is {item.State}, not submitted; only submitted images are reviewed", item.FileName);
            if (!accept && string.IsNullOrWhiteSpace(comment))
                throw new SeerException(ErrorCodes.InvalidInput, $"rejecting image {image} ({item.FileName}) needs a comment telling the labeller what to fix", "comment");
            using var cmd = Command(c, tx, """
                UPDATE labeling_items SET state = @s, comment = @c, revision = revision + 1, updated_by = @u, updated_at = @at WHERE task_id = @t AND ord = @i
                """);
            RelationalDatabase.AddParameter(cmd, "s", accept ? ItemStates.Accepted : ItemStates.Rejected);
            RelationalDatabase.AddParameter(cmd, "c", (object?)comment?.Trim() ?? DBNull.Value);
            Finish(cmd, user, task, image);
        });
    }

    // ---------------------------------------------------------------- commit

    /// <summary>
    /// Writes one new version of the task's target dataset holding every accepted image (labelled, its boxes and tags)
    /// and nothing else; operation <c>label</c>, parent the source version, parameters naming the task. With a
    /// reviewer, every image must be accepted first; the refusal says how many are in each state.
    /// </summary>
    public CommitResult Commit(long task, string user, bool isAdmin)
    {
        var t = Get(task);
        if (!isAdmin && !string.Equals(t.CreatedBy, user, StringComparison.Ordinal) && !string.Equals(t.Reviewer, user, StringComparison.Ordinal))
            throw new SeerException(ErrorCodes.Forbidden, $"only the task's creator ('{t.CreatedBy}'), its reviewer or an admin can commit task {t.Id}", t.Id.ToString(CultureInfo.InvariantCulture));
        if (t.CommittedVersion is { } done)
            throw new SeerException(ErrorCodes.Conflict, $"task {t.Id} is already committed as {t.Into}@{VersionIds.Short(done)}", t.Id.ToString(CultureInfo.InvariantCulture));
        int notAccepted = t.Images - t.Accepted;
        if (t.Reviewer is not null && notAccepted > 0)
            throw new SeerException(ErrorCodes.Conflict,
                $"task {t.Id} cannot be committed: {notAccepted} of {t.Images} images are not accepted yet ({CountsText(t, accepted: false)}); every image needs the reviewer's acceptance first",
                t.Id.ToString(CultureInfo.InvariantCulture));
        if (t.Accepted == 0)
            throw new SeerException(ErrorCodes.Conflict, $"task {t.Id} has no accepted image to commit ({CountsText(t, accepted: false)})", t.Id.ToString(CultureInfo.InvariantCulture));
        var source = _workspace.Metadata.ReadImages(t.SourceVersion).ToDictionary(i => i.FileName, StringComparer.Ordinal);
        var images = new List<ImageRecord>();
        foreach (var item in Items(task).Where(i => i.State == ItemStates.Accepted))
        {
            var record = source.TryGetValue(item.FileName, out var s) ? s : new ImageRecord(item.ContentHash, item.FileName, item.Width, item.Height);
            images.Add(record with
            {
                IsLabelled = true,
                Objects = item.Objects.Select(o => new ObjectAnnotation(o.Label, o.Box)).ToList(),
                Tags = item.Tags.ToList(),
            });
        }
        var parameters = new Dictionary<string, object?>
        {
            ["task"] = t.Id, ["source"] = $"{t.Dataset}@{t.SourceVersion}", ["kind"] = t.Kind, ["classes"] = t.Classes,
            ["assignees"] = t.Assignees, ["reviewer"] = t.Reviewer, ["model"] = t.Model, ["accepted"] = images.Count, ["images"] = t.Images,
        };
        var commit = _workspace.CommitVersion(t.Into, images, [t.SourceVersion], Operation, parameters, t.Classes);
        using var c = _db.Open();
        using var cmd = Command(c, null, "UPDATE labeling_tasks SET committed_version = @v, committed_at = @at, committed_by = @u WHERE id = @t AND committed_version IS NULL");
        RelationalDatabase.AddParameter(cmd, "v", commit.Version.Version);
        RelationalDatabase.AddParameter(cmd, "at", Now());
        RelationalDatabase.AddParameter(cmd, "u", user);
        RelationalDatabase.AddParameter(cmd, "t", t.Id);
        cmd.ExecuteNonQuery();
        return commit;
    }

    /// <summary>"2 to do, 1 in progress, 3 submitted, 1 rejected, 5 accepted" (only the states that occur).</summary>
    public static string CountsText(LabelingTask task, bool accepted = true)
    {
        ArgumentNullException.ThrowIfNull(task);
        var parts = ItemStates.All.Where(s => accepted || s != ItemStates.Accepted)
            .Select(s => (s, n: task.Counts.GetValueOrDefault(s))).Where(p => p.n > 0)
            .Select(p => $"{p.n} {(p.s == ItemStates.Todo ? "to do" : p.s.Replace('_', ' '))}").ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    // ---------------------------------------------------------------- rules

    /// <summary>May the user see the task? Admins see every task; everyone else the tasks they created, review or label.</summary>
    public static bool CanSee(LabelingTask task, string user, bool isAdmin) => isAdmin || (task ?? throw new ArgumentNullException(nameof(task))).Involves(user);

    /// <summary>Throws a forbidden error unless the user may see the task.</summary>
    public static void DemandSee(LabelingTask task, string user, bool isAdmin)
    {
        if (!CanSee(task, user, isAdmin))
            throw new SeerException(ErrorCodes.Forbidden,
                $"labelling task {task.Id} is not yours: it is labelled by {string.Join(", ", task.Assignees)}" + (task.Reviewer is null ? "" : $" and reviewed by {task.Reviewer}"),
                task.Id.ToString(CultureInfo.InvariantCulture));
    }

    private static bool IsReviewer(LabelingTask t, string user, bool isAdmin) => isAdmin || string.Equals(t.Reviewer, user, StringComparison.Ordinal);

    private static void RequireEditor(LabelingTask t, LabelingItem item, string user, bool isAdmin)
    {
        DemandSee(t, user, isAdmin);
        if (t.CommittedVersion is not null)
            throw new SeerException(ErrorCodes.Conflict, $"task {t.Id} is committed; its images cannot change any more", item.FileName);
    }

    private static void CheckRevision(LabelingItem item, long revision)
    {
        if (item.Revision != revision)
            throw new SeerException(ErrorCodes.Conflict,
                $"image {item.Image} ({item.FileName}) changed since you loaded it: it is at revision {item.Revision} (saved by {item.UpdatedBy ?? "?"}), you sent revision {revision}; reload it and apply your change again",
                item.FileName);
    }

    private static List<LabelBox> CheckObjects(LabelingTask t, LabelingItem item, IReadOnlyList<LabelBox>? objects)
    {
        var list = new List<LabelBox>();
        foreach (var (o, k) in (objects ?? []).Select((o, k) => (o, k)))
        {
            CheckLabel(t, item, o.Label, $"object {k}");
            var b = o.Box;
            if (!double.IsFinite(b.X1 + b.Y1 + b.X2 + b.Y2))
                throw new SeerException(ErrorCodes.InvalidInput, $"object {k} of image {item.Image} ({item.FileName}) has a coordinate that is not a number", item.FileName);
            var clipped = b.Clip(item.Width, item.Height);
            if (clipped.IsDegenerate)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"object {k} of image {item.Image} ({item.FileName}) has no area inside the {item.Width}x{item.Height} image: [{b.X1}, {b.Y1}, {b.X2}, {b.Y2}] (boxes are [x1, y1, x2, y2] in pixels)", item.FileName);
            list.Add(new LabelBox(o.Label, clipped));
        }
        return list;
    }

    private static List<PredictedBox> CheckPredictions(LabelingTask t, LabelingItem item, IReadOnlyList<PredictedBox> predictions)
    {
        foreach (var (p, k) in predictions.Select((p, k) => (p, k)))
        {
            CheckLabel(t, item, p.Label, $"prediction {k}");
            if (p.Box.IsDegenerate) throw new SeerException(ErrorCodes.InvalidInput, $"prediction {k} of image {item.Image} ({item.FileName}) has no area", item.FileName);
        }
        return predictions.ToList();
    }

    private static List<string> CheckTags(LabelingTask t, LabelingItem item, IReadOnlyList<string>? tags)
    {
        var list = Distinct(tags ?? []);
        foreach (var tag in list) CheckLabel(t, item, tag, "tag");
        return list;
    }

    private static void CheckLabel(LabelingTask t, LabelingItem item, string label, string what)
    {
        if (!t.Classes.Contains(label, StringComparer.Ordinal))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{what} of image {item.Image} ({item.FileName}) has label '{label}', which is not a class of task {t.Id} ({string.Join(", ", t.Classes)})", item.FileName);
    }

    // ---------------------------------------------------------------- SQL

    private LabelingItem Change(LabelingTask t, int image, string user, Action<LabelingItem, DbConnection, DbTransaction> apply)
    {
        using var c = _db.Open();
        using var tx = _db.BeginWrite(c, WriteLock);
        var item = ItemIn(c, tx, t.Id, image);
        apply(item, c, tx);
        var changed = ItemIn(c, tx, t.Id, image);
        tx.Commit();
        return changed;
    }

    private void Finish(DbCommand cmd, string user, long task, int image)
    {
        RelationalDatabase.AddParameter(cmd, "u", user);
        RelationalDatabase.AddParameter(cmd, "at", Now());
        RelationalDatabase.AddParameter(cmd, "t", task);
        RelationalDatabase.AddParameter(cmd, "i", image);
        cmd.ExecuteNonQuery();
    }

    private LabelingItem ItemIn(DbConnection c, DbTransaction? tx, long task, int image) =>
        ReadItems(c, tx, "WHERE task_id = @t AND ord = @i", ("t", task), ("i", image)).FirstOrDefault()
        ?? throw new SeerException(ErrorCodes.NotFound, $"labelling task {task} has no image {image} (see GET /api/labeling/tasks/{task}/items)", image.ToString(CultureInfo.InvariantCulture));

    private List<LabelingItem> ReadItems(DbConnection c, DbTransaction? tx, string where, params (string, object)[] args)
    {
        using var cmd = Command(c, tx, $"""
            SELECT task_id, ord, file_name, content_hash, width, height, assignee, state, revision, objects_json, tags_json, predictions_json,
                   comment, updated_by, updated_at FROM labeling_items {where}
            """);
        foreach (var (n, v) in args) RelationalDatabase.AddParameter(cmd, n, v);
        using var r = cmd.ExecuteReader();
        var list = new List<LabelingItem>();
        while (r.Read())
            list.Add(new LabelingItem(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5), r.GetString(6),
                r.GetString(7), r.GetInt64(8), LabelJson.ReadObjects(r.GetString(9)), JsonSerializer.Deserialize<List<string>>(r.GetString(10))!,
                LabelJson.ReadPredictions(r.GetString(11)), r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13),
                _db.ReadTimeOrNull(r, 14)));
        return list;
    }

    private List<LabelingTask> ReadTasks(DbConnection c, string where, params (string, object)[] args)
    {
        var counts = new Dictionary<long, Dictionary<string, int>>();
        using (var cmd = Command(c, null, "SELECT task_id, state, COUNT(*) FROM labeling_items GROUP BY task_id, state"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                if (!counts.TryGetValue(r.GetInt64(0), out var map)) counts[r.GetInt64(0)] = map = ItemStates.All.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
                map[r.GetString(1)] = Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture);
            }
        using var q = Command(c, null, $"""
            SELECT id, dataset, source_version, into_dataset, kind, classes_json, assignees_json, reviewer, model, origin_json, created_by, created_at,
                   committed_version, committed_at, committed_by FROM labeling_tasks {where}
            """);
        foreach (var (n, v) in args) RelationalDatabase.AddParameter(q, n, v);
        using var rr = q.ExecuteReader();
        var list = new List<LabelingTask>();
        while (rr.Read())
        {
            long id = rr.GetInt64(0);
            list.Add(new LabelingTask(id, rr.GetString(1), rr.GetString(2), rr.GetString(3), rr.GetString(4),
                JsonSerializer.Deserialize<List<string>>(rr.GetString(5))!, JsonSerializer.Deserialize<List<string>>(rr.GetString(6))!,
                rr.IsDBNull(7) ? null : rr.GetString(7), rr.IsDBNull(8) ? null : rr.GetString(8),
                rr.IsDBNull(9) ? null : JsonNode.Parse(rr.GetString(9)) as JsonObject, rr.GetString(10), _db.ReadTime(rr, 11),
                rr.IsDBNull(12) ? null : rr.GetString(12), _db.ReadTimeOrNull(rr, 13), rr.IsDBNull(14) ? null : rr.GetString(14),
                counts.TryGetValue(id, out var m) ? m : ItemStates.All.ToDictionary(s => s, _ => 0, StringComparer.Ordinal)));
        }
        return list;
    }

    private object Now() => _db.Time(DateTimeOffset.UtcNow);

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql) => RelationalDatabase.Command(c, tx, sql);

    private static List<string> Distinct(IEnumerable<string> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return items.Where(i => i is not null && seen.Add(i)).ToList();
    }
}
