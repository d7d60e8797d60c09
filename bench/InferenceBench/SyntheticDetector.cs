using Seer.Core.Inference;
using Seer.Training.Onnx;

/// <summary>
/// A YOLOv8n-sized detector written with Seer's ONNX writer, so the bench measures a model of the cost people deploy:
/// 640×640 input, a stride-2 conv backbone (16..256 channels, SiLU) with three output levels (strides 8, 16, 32), each
/// with a two-conv head and a 1×1 prediction to 4 + 80 rows, concatenated to YOLOv8's [N, 84, 8400] (≈ 3.6 G
/// multiply-adds ≈ 7.3 GFLOPs; YOLOv8n is 8.7). Weights are random (He init); the score bias is −4 and a fixed map lifts ~70 (cell, class)
/// scores per image over the threshold, so NMS has a trained model's work, and boxes are cx, cy, w, h in input pixels around each cell.
/// </summary>
internal static class SyntheticDetector
{
    public static string Write(string path, int classes = 80)
    {
        var rng = new Random(7);
        var g = new OnnxGraphBuilder("synthetic-yolov8n-sized");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 640, 640]);
        string Conv(string input, int cin, int cout, int stride = 1, int k = 3, bool act = true, float[]? bias = null, double spread = 0.05)
        {
            var w = new float[cout * cin * k * k];
            double std = Math.Sqrt(2.0 / (cin * k * k)) * (act ? 1 : spread);
            for (int i = 0; i < w.Length; i++) w[i] = (float)(Gaussian(rng) * std);
            string y = g.Conv(input, g.AddInitializer("w", w, cout, cin, k, k), g.AddInitializer("b", bias ?? new float[cout], cout), k, k, stride, k / 2, k / 2);
            return act ? g.Silu(y) : y;
        }
        x = Conv(x, 3, 16, 2);                                   // 320
        x = Conv(Conv(Conv(x, 16, 32, 2), 32, 32), 32, 32);      // 160
        x = Conv(Conv(Conv(Conv(x, 32, 64, 2), 64, 64), 64, 64), 64, 64); // 80: P3
        string p3 = x;
        x = Conv(Conv(Conv(Conv(x, 64, 128, 2), 128, 128), 128, 128), 128, 128); // 40: P4
        string p4 = x;
        string p5 = Conv(Conv(Conv(x, 128, 256, 2), 256, 256), 256, 256);        // 20: P5
        int rows = 4 + classes;
        var levels = new List<string>();
        foreach (var (feature, channels, stride) in new[] { (p3, 64, 8), (p4, 128, 16), (p5, 256, 32) })
        {
            int side = 640 / stride;
            var headBias = Enumerable.Range(0, rows).Select(r => r < 2 ? 0f : r < 4 ? 2f : -4f).ToArray();
            string head = Conv(Conv(Conv(feature, channels, 64), 64, 64), 64, rows, k: 1, act: false, bias: headBias);
            head = g.Reshape(head, 0, rows, side * side);
            // cx, cy around the cell centre and w, h ≈ a few strides, in input pixels; class scores through a sigmoid.
            string xy = g.Add(g.Mul(g.Slice(head, 1, 0, 2), g.Scalar("xy_scale", stride)), g.Scalar("xy_offset", 320f));
            string wh = g.Mul(g.Exp(g.Slice(head, 1, 2, 4)), g.Scalar("wh_scale", stride));
            // Random weights alone give no score above the threshold; a fixed map lifts ~1 in 10,000 (cell, class)
            // logits by 6 so that ~70 candidates per image reach NMS, about what a trained YOLOv8n gives at 0.25.
            var lift = new float[classes * side * side];
            for (int i = 0; i < lift.Length; i++) lift[i] = rng.NextDouble() < 1e-4 ? 6f : 0f;
            string logits = g.Add(g.Slice(head, 1, 4, rows), g.AddInitializer("score_lift", lift, 1, classes, side * side));
            levels.Add(g.Concat([xy, wh, g.Sigmoid(logits)], 1));
        }
        string y = g.Concat(levels, 2);
        g.AddOutput(y, "output0", OnnxElementType.Float, [null, rows, 8400]);
        var spec = new InferenceSpec
        {
            Task = "detect", ClassNames = Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray(),
            InputWidth = 640, InputHeight = 640, OutputLayout = OutputLayout.YoloV8,
        };
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return path;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
