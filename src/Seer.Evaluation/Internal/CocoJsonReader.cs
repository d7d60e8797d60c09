using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Evaluation.Internal;

/// <summary>
/// Reads COCO ground truth (images, categories, annotations) and a COCO results list into <see cref="EvalData"/>.
/// Images are ordered by ascending id and classes by ascending category id, as COCOeval orders them. Anything COCOeval
/// would crash on, silently drop or silently misread is an <see cref="SeerException"/> naming the file and entry.
/// </summary>
internal static class CocoJsonReader
{
    public static EvalData Read(string groundTruthPath, string resultsPath)
    {
        using var gtDoc = Parse(groundTruthPath);
        var root = gtDoc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Bad(groundTruthPath, "expected a COCO ground-truth object with images, categories and annotations");

        var imageIds = new List<long>();
        var seenImages = new HashSet<long>();
        foreach (var (img, i) in Array(root, "images", groundTruthPath, required: true))
        {
            long id = Id(img, "id", groundTruthPath, $"images[{i}]");
            if (!seenImages.Add(id)) throw Bad(groundTruthPath, $"images[{i}]: duplicate image id {id}");
            imageIds.Add(id);
        }

        imageIds.Sort();
        var imageIndex = new Dictionary<long, int>(imageIds.Count);
        for (int i = 0; i < imageIds.Count; i++) imageIndex[imageIds[i]] = i;

        var cats = new List<(long Id, string Name)>();
        var catIds = new HashSet<long>();
        var catNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (cat, i) in Array(root, "categories", groundTruthPath, required: true))
        {
            long id = Id(cat, "id", groundTruthPath, $"categories[{i}]");
            if (!cat.TryGetProperty("name", out var nameEl) || nameEl.ValueKind != JsonValueKind.String || nameEl.GetString() is not { Length: > 0 } name)
                throw Bad(groundTruthPath, $"categories[{i}]: missing or empty \"name\"");
            if (!catIds.Add(id)) throw Bad(groundTruthPath, $"categories[{i}]: duplicate category id {id}");
            if (!catNames.Add(name)) throw Bad(groundTruthPath, $"categories[{i}]: duplicate category name '{name}'");
            cats.Add((id, name));
        }

        cats.Sort((a, b) => a.Id.CompareTo(b.Id));
        var catIndex = new Dictionary<long, int>(cats.Count);
        for (int k = 0; k < cats.Count; k++) catIndex[cats[k].Id] = k;
        var classes = cats.Select(c => c.Name).ToArray();

        var builder = new EvalDataBuilder(classes, imageIds.Count);
        var annIds = new HashSet<long>();
        int zeroGt = 0, missingArea = 0;
        foreach (var (ann, i) in Array(root, "annotations", groundTruthPath, required: false))
        {
            string where = $"annotations[{i}]";
            long id = Id(ann, "id", groundTruthPath, where);
            if (!annIds.Add(id)) throw Bad(groundTruthPath, $"{where}: duplicate annotation id {id}");
            if (id == 0)
                builder.Warnings.Add($"{groundTruthPath}: {where} has id 0; pycocotools counts a match to an annotation with id 0 as a false positive, Seer scores it normally");
            int img = Lookup(imageIndex, Id(ann, "image_id", groundTruthPath, where), groundTruthPath, where, "image_id", "images");
            int k = Lookup(catIndex, Id(ann, "category_id", groundTruthPath, where), groundTruthPath, where, "category_id", "categories");
            var (x, y, w, h) = Bbox(ann, groundTruthPath, where);
            double area;
            if (ann.TryGetProperty("area", out var areaEl) && areaEl.ValueKind == JsonValueKind.Number)
            {
                area = areaEl.GetDouble();
                if (!double.IsFinite(area) || area < 0) throw Bad(groundTruthPath, $"{where}: area must be a finite number >= 0");
            }
            else
            {
                area = w * h;
                missingArea++;
            }

            if (w == 0 || h == 0) zeroGt++;
            builder.AddGt(img, k, new GtBox
            {
                X = x, Y = y, W = w, H = h, Area = area,
                Crowd = Flag(ann, "iscrowd"), Difficult = Flag(ann, "difficult") || Flag(ann, "ignore"),
            });
        }

        if (zeroGt > 0)
            builder.Warnings.Add($"{groundTruthPath}: {zeroGt} ground-truth box(es) have zero width or height; no detection can match them (they count as misses, as in pycocotools)");
        if (missingArea > 0)
            builder.Warnings.Add($"{groundTruthPath}: {missingArea} annotation(s) have no \"area\"; used bbox width*height");

        ReadResults(resultsPath, imageIndex, catIndex, builder);
        return builder.Build();
    }

    private static void ReadResults(string path, Dictionary<long, int> imageIndex, Dictionary<long, int> catIndex, EvalDataBuilder builder)
    {
        using var doc = Parse(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw Bad(path, "expected a JSON array of COCO results [{\"image_id\", \"category_id\", \"bbox\": [x, y, w, h], \"score\"}]");
        int i = 0, zero = 0;
        foreach (var r in root.EnumerateArray())
        {
            string where = $"result [{i}]";
            if (r.ValueKind != JsonValueKind.Object) throw Bad(path, $"{where}: expected an object");
            int img = Lookup(imageIndex, Id(r, "image_id", path, where), path, where, "image_id", "the ground truth's images");
            int k = Lookup(catIndex, Id(r, "category_id", path, where), path, where, "category_id", "the ground truth's categories");
            var (x, y, w, h) = Bbox(r, path, where);
            if (!r.TryGetProperty("score", out var s) || s.ValueKind != JsonValueKind.Number || !double.IsFinite(s.GetDouble()))
                throw Bad(path, $"{where}: \"score\" must be a finite number");
            if (w == 0 || h == 0) zero++;
            builder.AddDet(img, k, new DetBox { X = x, Y = y, W = w, H = h, Score = s.GetDouble() });
            i++;
        }

        if (i == 0) builder.Warnings.Add($"{path}: no detections; every AP is 0 (pycocotools refuses an empty results list)");
        if (zero > 0) builder.Warnings.Add($"{path}: {zero} detection(s) have zero width or height; they match nothing and count as false positives");
    }

    private static JsonDocument Parse(string path) => JsonFiles.Parse(path);

    private static IEnumerable<(JsonElement Item, int Index)> Array(JsonElement root, string name, string path, bool required)
    {
        if (!root.TryGetProperty(name, out var arr))
        {
            if (required) throw Bad(path, $"missing \"{name}\" array");
            yield break;
        }

        if (arr.ValueKind != JsonValueKind.Array) throw Bad(path, $"\"{name}\" must be an array");
        int i = 0;
        foreach (var item in arr.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw Bad(path, $"{name}[{i}]: expected an object");
            yield return (item, i++);
        }
    }

    private static long Id(JsonElement obj, string name, string path, string where)
    {
        if (obj.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.Number && el.TryGetInt64(out long id)) return id;
        throw Bad(path, $"{where}: \"{name}\" must be an integer");
    }

    private static int Lookup(Dictionary<long, int> map, long id, string path, string where, string field, string what) =>
        map.TryGetValue(id, out int index) ? index : throw Bad(path, $"{where}: {field} {id} is not in {what}");

    private static (double X, double Y, double W, double H) Bbox(JsonElement obj, string path, string where)
    {
        if (!obj.TryGetProperty("bbox", out var bb) || bb.ValueKind != JsonValueKind.Array || bb.GetArrayLength() != 4)
            throw Bad(path, $"{where}: \"bbox\" must be [x, y, width, height]");
        Span<double> v = stackalloc double[4];
        int j = 0;
        foreach (var e in bb.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !double.IsFinite(v[j] = e.GetDouble()))
                throw Bad(path, $"{where}: \"bbox\" values must be finite numbers");
            j++;
        }

        if (v[2] < 0 || v[3] < 0) throw Bad(path, $"{where}: bbox width and height must be >= 0 (got {v[2]} x {v[3]})");
        return (v[0], v[1], v[2], v[3]);
    }

    private static bool Flag(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var el) && el.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.Number => el.GetDouble() != 0,
            _ => false,
        };

    private static SeerException Bad(string path, string reason) => JsonFiles.Bad(path, reason);
}
