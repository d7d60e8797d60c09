using Seer.Core.Inference;
using Seer.Training.Onnx;

/// <summary>
/// A YOLOv8-layout detector of realistic cost written with Seer's ONNX writer: 640×640 input, a stride-2 conv backbone
/// (16..256 channels, SiLU, ~2 GFLOPs) and a 1×1 head at stride 8 → [N, 4+C, 6400]. Weights are random (He init);
/// the head's score bias is −4 so only a few boxes pass the threshold, as with a trained model.
/// </summary>
internal static class SyntheticDetector
{
    public static string Write(string path, int classes = 5)
    {
        var rng = new Random(7);
        var g = new OnnxGraphBuilder("synthetic-detector");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 640, 640]);
        string Conv(string input, int cin, int cout, int stride)
        {
            var w = new float[cout * cin * 9];
            double std = Math.Sqrt(2.0 / (cin * 9));
            for (int i = 0; i < w.Length; i++) w[i] = (float)(Gaussian(rng) * std);
            string y = g.Conv(input, g.AddInitializer("w", w, cout, cin, 3, 3), g.AddInitializer("b", new float[cout], cout), 3, 3, stride, 1, 1);
            return g.Silu(y);
        }
        x = Conv(x, 3, 16, 2);
        x = Conv(x, 16, 32, 2);
        x = Conv(x, 32, 64, 2);
        string p3 = Conv(x, 64, 64, 1);
        x = Conv(p3, 64, 128, 2);
        x = Conv(x, 128, 128, 1);
        _ = Conv(x, 128, 256, 2); // deeper backbone stage (cost only, as a real backbone)
        int rows = 4 + classes;
        var hw = new float[rows * 64];
        for (int i = 0; i < hw.Length; i++) hw[i] = (float)(Gaussian(rng) * 0.05);
        var hb = new float[rows];
        for (int r = 0; r < rows; r++) hb[r] = r < 4 ? 20f : -4f;
        string head = g.Conv(p3, g.AddInitializer("head_w", hw, rows, 64, 1, 1), g.AddInitializer("head_b", hb, rows), 1, 1);
        string boxes = g.Slice(head, 1, 0, 4);
        string scores = g.Sigmoid(g.Slice(head, 1, 4, rows));
        string grid = g.Add(g.Mul(boxes, g.Scalar("box_scale", 8f)), g.Scalar("box_offset", 160f));
        string y = g.Reshape(g.Concat([grid, scores], 1), 0, rows, 6400);
        g.AddOutput(y, "output0", OnnxElementType.Float, [null, rows, 6400]);
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
