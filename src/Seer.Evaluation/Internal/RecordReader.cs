using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Evaluation.Internal;

/// <summary>Turns image records + per-image predictions into <see cref="EvalData"/>, rejecting what cannot be scored.</summary>
internal static class RecordReader
{
    public static EvalData Read(
        IReadOnlyList<ImageRecord> groundTruth, IReadOnlyList<IReadOnlyList<ObjectAnnotation>> predictions, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(classes);
        if (predictions.Count != groundTruth.Count)
            throw Bad($"{groundTruth.Count} ground-truth images but {predictions.Count} prediction lists; give one list (possibly empty) per image");
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in classes)
        {
            if (string.IsNullOrEmpty(c)) throw Bad("class names must not be empty");
            if (!classIndex.TryAdd(c, classIndex.Count)) throw Bad($"duplicate class name '{c}'");
        }

        var builder = new EvalDataBuilder([.. classes], groundTruth.Count);
        int zeroGt = 0, zeroDet = 0;
        for (int i = 0; i < groundTruth.Count; i++)
        {
            var image = groundTruth[i];
            foreach (var o in image.Objects)
            {
                string where = $"ground truth of image '{image.FileName}' (#{i})";
                int k = Class(classIndex, o.Label, where);
                var (x, y, w, h) = Xywh(o, where);
                double area = o.Area ?? w * h;
                if (!double.IsFinite(area) || area < 0) throw Bad($"{where}: area {area} must be a finite number >= 0");
                if (w == 0 || h == 0) zeroGt++;
                builder.AddGt(i, k, new GtBox { X = x, Y = y, W = w, H = h, Area = area, Crowd = o.IsCrowd, Difficult = o.Difficult });
            }

            foreach (var p in predictions[i] ?? [])
            {
                string where = $"prediction for image '{image.FileName}' (#{i})";
                int k = Class(classIndex, p.Label, where);
                var (x, y, w, h) = Xywh(p, where);
                if (p.Score is not { } score || !double.IsFinite(score)) throw Bad($"{where}: a prediction needs a finite Score");
                if (w == 0 || h == 0) zeroDet++;
                builder.AddDet(i, k, new DetBox { X = x, Y = y, W = w, H = h, Score = score });
            }
        }

        if (zeroGt > 0)
            builder.Warnings.Add($"{zeroGt} ground-truth box(es) have zero width or height; no detection can match them (they count as misses, as in pycocotools)");
        if (zeroDet > 0)
            builder.Warnings.Add($"{zeroDet} prediction(s) have zero width or height; they match nothing and count as false positives");
        return builder.Build();
    }

    private static int Class(Dictionary<string, int> index, string label, string where) =>
        index.TryGetValue(label, out int k) ? k : throw Bad($"{where}: label '{label}' is not one of the evaluated classes");

    private static (double X, double Y, double W, double H) Xywh(ObjectAnnotation o, string where)
    {
        var b = o.Box;
        if (!double.IsFinite(b.X1) || !double.IsFinite(b.Y1) || !double.IsFinite(b.X2) || !double.IsFinite(b.Y2))
            throw Bad($"{where}: box {b} has a non-finite coordinate");
        double w = b.X2 - b.X1, h = b.Y2 - b.Y1;
        if (w < 0 || h < 0) throw Bad($"{where}: box {b} has negative width or height (X2 < X1 or Y2 < Y1)");
        return (b.X1, b.Y1, w, h);
    }

    private static SeerException Bad(string reason) => new(ErrorCodes.InvalidInput, reason);
}
