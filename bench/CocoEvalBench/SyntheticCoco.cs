using System.Globalization;
using System.Text;

namespace CocoEvalBench;

/// <summary>
/// Writes a synthetic COCO ground truth and results pair: objects of all sizes (COCO-like small/medium/large mix),
/// area field below w*h as for masks, ~1% crowd, detections = jittered copies of most objects + false alarms,
/// scores with 3 decimals (so ties occur as in real result files).
/// </summary>
internal static class SyntheticCoco
{
    public static (int Objects, int Detections) Write(string gtPath, string predPath, int images, int classes, int predsPerImage, int seed)
    {
        var rng = new Random(seed);
        var gt = new StringBuilder();
        var pred = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        gt.Append("{\"info\":{\"description\":\"Seer CocoEvalBench synthetic set\"},\"images\":[");
        for (int i = 1; i <= images; i++)
            gt.Append(i > 1 ? "," : "").Append(ci, $"{{\"id\":{i},\"width\":640,\"height\":480,\"file_name\":\"{i:D12}.jpg\"}}");
        gt.Append("],\"categories\":[");
        for (int c = 1; c <= classes; c++) gt.Append(c > 1 ? "," : "").Append(ci, $"{{\"id\":{c},\"name\":\"class{c}\"}}");
        gt.Append("],\"annotations\":[");
        pred.Append('[');
        int annId = 0, dets = 0;
        for (int i = 1; i <= images; i++)
        {
            int objects = rng.Next(2, 13);
            int made = 0;
            for (int o = 0; o < objects; o++)
            {
                int cls = 1 + (int)(classes * Math.Pow(rng.NextDouble(), 1.5)); // imbalanced classes
                double size = Math.Exp(rng.NextDouble() * Math.Log(400 / 8.0)) * 8; // 8..400 px, log-uniform
                double w = Math.Round(size * (0.5 + rng.NextDouble()), 2), h = Math.Round(size * (0.5 + rng.NextDouble()), 2);
                double x = Math.Round(rng.NextDouble() * 600, 2), y = Math.Round(rng.NextDouble() * 440, 2);
                double area = Math.Round(w * h * (0.55 + 0.4 * rng.NextDouble()), 2);
                int crowd = rng.NextDouble() < 0.01 ? 1 : 0;
                gt.Append(annId > 0 ? "," : "").Append(ci,
                    $"{{\"id\":{++annId},\"image_id\":{i},\"category_id\":{cls},\"bbox\":[{x},{y},{w},{h}],\"area\":{area},\"iscrowd\":{crowd}}}");
                if (rng.NextDouble() < 0.75 && made < predsPerImage)
                {
                    double j = 0.15 * size;
                    Det(pred, ref dets, i, rng.NextDouble() < 0.9 ? cls : 1 + rng.Next(classes),
                        x + (rng.NextDouble() - 0.5) * j, y + (rng.NextDouble() - 0.5) * j,
                        Math.Max(1, w + (rng.NextDouble() - 0.5) * j), Math.Max(1, h + (rng.NextDouble() - 0.5) * j),
                        0.3 + 0.7 * rng.NextDouble());
                    made++;
                }
            }

            for (; made < predsPerImage; made++)
            {
                double size = Math.Exp(rng.NextDouble() * Math.Log(300 / 8.0)) * 8;
                Det(pred, ref dets, i, 1 + rng.Next(classes), rng.NextDouble() * 600, rng.NextDouble() * 440,
                    size * (0.5 + rng.NextDouble()), size * (0.5 + rng.NextDouble()), 0.6 * rng.NextDouble());
            }
        }

        gt.Append("]}");
        pred.Append(']');
        File.WriteAllText(gtPath, gt.ToString());
        File.WriteAllText(predPath, pred.ToString());
        return (annId, dets);
    }

    private static void Det(StringBuilder sb, ref int count, int image, int cls, double x, double y, double w, double h, double score)
    {
        sb.Append(count++ > 0 ? "," : "").Append(CultureInfo.InvariantCulture,
            $"{{\"image_id\":{image},\"category_id\":{cls},\"bbox\":[{Math.Round(x, 2)},{Math.Round(y, 2)},{Math.Round(w, 2)},{Math.Round(h, 2)}],\"score\":{Math.Round(score, 3)}}}");
    }
}
