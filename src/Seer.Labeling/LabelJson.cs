using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Data.Versions;

namespace Seer.Labeling;

/// <summary>
/// The JSON shapes of tasks and images (the REST contract and <c>seer label task ... --json</c>): boxes are
/// {"label", "box": [x1, y1, x2, y2]} in absolute pixels; predictions add "score".
/// </summary>
public static class LabelJson
{
    public static JsonObject Task(LabelingTask t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var counts = new JsonObject();
        foreach (var s in ItemStates.All) counts[s] = t.Counts.GetValueOrDefault(s);
        return new JsonObject
        {
            ["id"] = t.Id,
            ["dataset"] = t.Dataset,
            ["version"] = t.SourceVersion,
            ["into"] = t.Into,
            ["kind"] = t.Kind,
            ["classes"] = Strings(t.Classes),
            ["assignees"] = Strings(t.Assignees),
            ["reviewer"] = t.Reviewer,
            ["model"] = t.Model,
            ["created_by"] = t.CreatedBy,
            ["created_at"] = t.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["state"] = t.State,
            ["images"] = t.Images,
            ["accepted"] = t.Accepted,
            ["counts"] = counts,
            ["committed_version"] = t.CommittedVersion,
            ["committed_by"] = t.CommittedBy,
            ["origin"] = t.Origin?.DeepClone(),
        };
    }

    /// <summary>An entry of the items list: {"image", "file_name", "state", "revision", "assignee", "comment"}.</summary>
    public static JsonObject ItemSummary(LabelingItem i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new JsonObject
        {
            ["image"] = i.Image, ["file_name"] = i.FileName, ["state"] = i.State, ["revision"] = i.Revision, ["assignee"] = i.Assignee,
            ["objects"] = i.Objects.Count, ["comment"] = i.Comment,
        };
    }

    /// <summary>One image with its draft: summary keys plus width, height, hash, objects, tags, predictions, updated_by/at.</summary>
    public static JsonObject Item(LabelingItem i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var json = ItemSummary(i);
        json["width"] = i.Width;
        json["height"] = i.Height;
        json["hash"] = i.ContentHash;
        json["objects"] = JsonNode.Parse(Objects(i.Objects));
        json["tags"] = Strings(i.Tags);
        json["predictions"] = JsonNode.Parse(Predictions(i.Predictions));
        json["updated_by"] = i.UpdatedBy;
        json["updated_at"] = i.UpdatedAt?.ToString("O", CultureInfo.InvariantCulture);
        return json;
    }

    /// <summary>A committed version, with the keys <c>seer dataset</c> operations print.</summary>
    public static JsonObject Version(CommitResult commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        DatasetVersionInfo v = commit.Version;
        return new JsonObject
        {
            ["dataset"] = v.Dataset,
            ["version"] = v.Version,
            ["short"] = VersionIds.Short(v.Version),
            ["operation"] = v.Operation,
            ["parents"] = Strings(v.Parents),
            ["parameters"] = JsonNode.Parse(v.ParametersJson),
            ["created_at"] = v.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["images"] = v.ImageCount,
            ["labelled"] = v.LabelledCount,
            ["created"] = commit.Created,
            ["removed"] = new JsonArray(),
            ["notes"] = new JsonArray(),
        };
    }

    /// <summary>Reads a PUT body: {"objects": [{"label", "box"}], "tags": [], "revision", "predictions"?}.</summary>
    public static ItemEdit ReadEdit(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new SeerException(ErrorCodes.InvalidInput, "the body must be a JSON object {\"objects\": [...], \"tags\": [...], \"revision\": N}");
        if (!body.TryGetProperty("revision", out var rev) || !rev.TryGetInt64(out long revision))
            throw new SeerException(ErrorCodes.InvalidInput, "'revision' is required: the revision of the image you loaded (GET .../items/{image})", "revision");
        var objects = body.TryGetProperty("objects", out var o) && o.ValueKind == JsonValueKind.Array ? ReadBoxes(o.GetRawText(), false).Select(b => new LabelBox(b.Label, b.Box)).ToList() : [];
        var tags = body.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new SeerException(ErrorCodes.InvalidInput, "'tags' must be strings", "tags")).ToList()
            : [];
        IReadOnlyList<PredictedBox>? predictions = body.TryGetProperty("predictions", out var p) && p.ValueKind == JsonValueKind.Array ? ReadPredictions(p.GetRawText()) : null;
        return new ItemEdit(objects, tags, revision, predictions);
    }

    internal static string Objects(IReadOnlyList<LabelBox> objects) =>
        new JsonArray(objects.Select(o => (JsonNode?)new JsonObject { ["label"] = o.Label, ["box"] = Box(o.Box) }).ToArray()).ToJsonString();

    internal static string Predictions(IReadOnlyList<PredictedBox> predictions) =>
        new JsonArray(predictions.Select(o => (JsonNode?)new JsonObject { ["label"] = o.Label, ["box"] = Box(o.Box), ["score"] = Math.Round(o.Score, 4) }).ToArray()).ToJsonString();

    internal static List<LabelBox> ReadObjects(string json) => ReadBoxes(json, false).Select(b => new LabelBox(b.Label, b.Box)).ToList();

    internal static List<PredictedBox> ReadPredictions(string json) => ReadBoxes(json, true);

    private static List<PredictedBox> ReadBoxes(string json, bool scores)
    {
        var list = new List<PredictedBox>();
        using var doc = JsonDocument.Parse(json);
        int k = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("label", out var l) || l.ValueKind != JsonValueKind.String)
                throw new SeerException(ErrorCodes.InvalidInput, $"object {k} needs a \"label\" string", "objects");
            if (!e.TryGetProperty("box", out var b) || b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != 4 || b.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                throw new SeerException(ErrorCodes.InvalidInput, $"object {k} needs \"box\": [x1, y1, x2, y2] in pixels", "objects");
            var v = b.EnumerateArray().Select(x => x.GetDouble()).ToArray();
            double score = scores && e.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 0;
            list.Add(new PredictedBox(l.GetString()!, new BoxXyxy(v[0], v[1], v[2], v[3]), score));
            k++;
        }
        return list;
    }

    private static JsonArray Box(BoxXyxy b) => [Math.Round(b.X1, 2), Math.Round(b.Y1, 2), Math.Round(b.X2, 2), Math.Round(b.Y2, 2)];

    private static JsonArray Strings(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)s).ToArray());
}
