using System.Text.Json;

namespace Seer.Evaluation.Internal;

/// <summary>
/// Reads the classification files of `seer eval classification`:
/// GT = {"classes": [names], "items": [{"id": "a.jpg", "label": "cat"}, ...]};
/// PRED = [{"id": "a.jpg", "scores": [one per class, in GT class order]} or {"id": "a.jpg", "label": "cat"}, ...].
/// Every GT item needs exactly one prediction and every prediction a GT item.
/// </summary>
internal static class ClassificationFileReader
{
    public sealed record Loaded(string[] Classes, int[] Truth, float[][] Scores, bool HardLabels);

    public static Loaded Read(string gtPath, string predPath)
    {
        using var gt = JsonFiles.Parse(gtPath);
        var root = gt.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("classes", out var classesEl) || classesEl.ValueKind != JsonValueKind.Array)
            throw JsonFiles.Bad(gtPath, "expected {\"classes\": [names], \"items\": [{\"id\", \"label\"}]}");
        var classes = new List<string>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in classesEl.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.String || c.GetString() is not { Length: > 0 } name)
                throw JsonFiles.Bad(gtPath, "\"classes\" must be non-empty strings");
            if (!classIndex.TryAdd(name, classes.Count)) throw JsonFiles.Bad(gtPath, $"duplicate class '{name}'");
            classes.Add(name);
        }

        if (!root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            throw JsonFiles.Bad(gtPath, "missing \"items\" array");
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var truth = new List<int>();
        int i = 0;
        foreach (var item in items.EnumerateArray())
        {
            string id = Str(item, "id", gtPath, $"items[{i}]");
            string label = Str(item, "label", gtPath, $"items[{i}]");
            if (!classIndex.TryGetValue(label, out int k)) throw JsonFiles.Bad(gtPath, $"items[{i}]: label '{label}' is not in \"classes\"");
            if (!itemIndex.TryAdd(id, truth.Count)) throw JsonFiles.Bad(gtPath, $"items[{i}]: duplicate id '{id}'");
            truth.Add(k);
            i++;
        }

        using var pred = JsonFiles.Parse(predPath);
        if (pred.RootElement.ValueKind != JsonValueKind.Array)
            throw JsonFiles.Bad(predPath, "expected a JSON array [{\"id\", \"scores\": [...]} or {\"id\", \"label\"}]");
        var scores = new float[truth.Count][];
        bool hard = false;
        i = 0;
        foreach (var p in pred.RootElement.EnumerateArray())
        {
            string where = $"[{i}]";
            string id = Str(p, "id", predPath, where);
            if (!itemIndex.TryGetValue(id, out int n)) throw JsonFiles.Bad(predPath, $"{where}: id '{id}' is not in the ground truth");
            if (scores[n] is not null) throw JsonFiles.Bad(predPath, $"{where}: duplicate prediction for id '{id}'");
            var s = new float[classes.Count];
            if (p.TryGetProperty("scores", out var se) && se.ValueKind == JsonValueKind.Array)
            {
                if (se.GetArrayLength() != classes.Count)
                    throw JsonFiles.Bad(predPath, $"{where}: {se.GetArrayLength()} scores for {classes.Count} classes");
                int j = 0;
                foreach (var v in se.EnumerateArray())
                {
                    if (v.ValueKind != JsonValueKind.Number) throw JsonFiles.Bad(predPath, $"{where}: scores must be numbers");
                    s[j++] = v.GetSingle();
                }
            }
            else if (p.TryGetProperty("label", out _))
            {
                string label = Str(p, "label", predPath, where);
                if (!classIndex.TryGetValue(label, out int k)) throw JsonFiles.Bad(predPath, $"{where}: label '{label}' is not in the ground truth's classes");
                s[k] = 1;
                hard = true;
            }
            else throw JsonFiles.Bad(predPath, $"{where}: needs \"scores\" or \"label\"");

            scores[n] = s;
            i++;
        }

        foreach (var (id, n) in itemIndex)
            if (scores[n] is null) throw JsonFiles.Bad(predPath, $"no prediction for ground-truth id '{id}'");
        return new Loaded([.. classes], [.. truth], scores, hard);
    }

    private static string Str(JsonElement obj, string name, string path, string where)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.String && el.GetString() is { Length: > 0 } s)
            return s;
        throw JsonFiles.Bad(path, $"{where}: \"{name}\" must be a non-empty string");
    }
}
