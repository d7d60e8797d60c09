namespace Seer.Inference;

/// <summary>
/// Predictions in the COCO results format, one entry per detection: <c>image_id</c> (1-based, input order),
/// <c>file_name</c>, <c>category_id</c> (class index + 1, as Seer's COCO exporter numbers categories),
/// <c>category_name</c>, <c>bbox</c> [x, y, w, h] in pixels, <c>score</c>. Classifiers give one entry per image
/// (the top class) without <c>bbox</c>.
/// </summary>
public static class CocoResults
{
    public static List<Dictionary<string, object>> From(IReadOnlyList<ImagePrediction> predictions)
    {
        var rows = new List<Dictionary<string, object>>();
        for (int i = 0; i < predictions.Count; i++)
        {
            var p = predictions[i];
            foreach (var d in p.Detections)
            {
                rows.Add(new Dictionary<string, object>
                {
                    ["image_id"] = i + 1,
                    ["file_name"] = p.Name,
                    ["category_id"] = d.ClassId + 1,
                    ["category_name"] = d.Label,
                    ["bbox"] = new[] { Round(d.Box.X1), Round(d.Box.Y1), Round(d.Box.Width), Round(d.Box.Height) },
                    ["score"] = Math.Round((double)d.Score, 5),
                });
            }
            if (p.Classes.Count > 0)
            {
                var c = p.Classes[0];
                rows.Add(new Dictionary<string, object>
                {
                    ["image_id"] = i + 1,
                    ["file_name"] = p.Name,
                    ["category_id"] = c.ClassId + 1,
                    ["category_name"] = c.Label,
                    ["score"] = Math.Round((double)c.Score, 5),
                });
            }
        }
        return rows;
    }

    private static double Round(double v) => Math.Round(v, 2);
}
