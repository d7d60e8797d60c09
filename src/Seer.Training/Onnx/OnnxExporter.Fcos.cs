using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Training.Models;
using Seer.Training.Nn;
using TorchSharp;

namespace Seer.Training.Onnx;

/// <summary>FcosLite's graph: backbone, FPN, shared head, and the decode of <c>FcosDecoder</c> (before NMS).</summary>
public static partial class OnnxExporter
{
    /// <summary>
    /// Returns (boxes [N, A, 4] xyxy in input pixels, scores [N, A, classes]) computed as FcosDecoder does:
    /// box = (x − l, y − t, x + r, y + b) with each distance exp(clip(v, −8, 8)) · stride around the location centre
    /// ((g + 0.5) · stride), score = sqrt(sigmoid(class) · sigmoid(centerness)); and the scene's features [N, C5]
    /// (<see cref="FcosLite.features"/>: the deepest backbone stage averaged over the image).
    /// </summary>
    private static (string Boxes, string Scores, string Features) FcosGraph(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state,
        Dictionary<string, TorchSharp.torch.nn.Module> children, InferenceSpec spec)
    {
        int size = spec.InputWidth;
        if (spec.InputHeight != size || size % 32 != 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"FcosLite export needs a square input whose side is a multiple of 32 (was {spec.InputWidth}x{spec.InputHeight})");
        string Block(string name, string input) => ConvBnAct(g, input, name, (ConvBnAct)children[name], state);
        string Res(string name, string input) => Residual(g, input, name, (ResidualBlock)children[name], state);
        string c3, c4, c5;
        if (children.TryGetValue("backbone", out var backbone))
        {
            (c3, c4, c5) = ResNetStages(g, x, state, (ResNet18)backbone, "backbone.");
        }
        else
        {
            c3 = Res("stage3", Block("down2", Block("down1", Block("stem", x))));
            c4 = Res("stage4", Block("down3", c3));
            c5 = Res("stage5", Block("down4", c4));
        }
        string p5 = Block("lat5", c5);
        string p4 = Block("smooth4", g.Add(Block("lat4", c4), g.UpsampleNearest(p5, 2)));
        string p3 = Block("smooth3", g.Add(Block("lat3", c3), g.UpsampleNearest(p4, 2)));
        var levels = new List<string>(3);
        string[] ps = [p3, p4, p5];
        for (int li = 0; li < ps.Length; li++)
        {
            int l = li;
            string Tower(string name, string input) => HeadLayer(g, input, name, (SharedHeadConv)children[name], l, state);
            string r = Tower("reg_tower", ps[li]);
            for (int i = 2; children.ContainsKey($"reg_tower{i}"); i++) r = Tower($"reg_tower{i}", r);
            string c = Tower("cls_tower", ps[li]);
            for (int i = 2; children.ContainsKey($"cls_tower{i}"); i++) c = Tower($"cls_tower{i}", c);
            string output = g.Concat([Head(g, r, "reg_out", state), Head(g, r, "ctr_out", state), Head(g, c, "cls_out", state)], 1);
            levels.Add(g.Reshape(output, 0, 0, -1));
        }
        string raw = g.Transpose(g.Concat(levels, 2), 0, 2, 1); // [N, A, 5 + classes]

        // Per-location constants: centre (x, y, x, y) and signed stride (−s, −s, s, s).
        var centres = new List<float>();
        var signed = new List<float>();
        foreach (int stride in FcosLite.Strides)
        {
            int cells = size / stride;
            for (int gy = 0; gy < cells; gy++)
                for (int gx = 0; gx < cells; gx++)
                {
                    float cx = (gx + 0.5f) * stride, cy = (gy + 0.5f) * stride;
                    centres.AddRange([cx, cy, cx, cy]);
                    signed.AddRange([-stride, -stride, stride, stride]);
                }
        }
        int locations = centres.Count / 4;
        string distances = g.AddNode("Clip", [g.Slice(raw, 2, 0, 4), g.Scalar("clip_min", -8f), g.Scalar("clip_max", 8f)]);
        string offsets = g.Mul(g.Exp(distances), g.AddInitializer("fcos_signed_stride", signed.ToArray(), 1, locations, 4));
        string boxes = g.Add(g.AddInitializer("fcos_centres", centres.ToArray(), 1, locations, 4), offsets);
        string centerness = g.Sigmoid(g.Slice(raw, 2, 4, 5));
        string classes = g.Sigmoid(g.Slice(raw, 2, 5, long.MaxValue));
        string scores = g.AddNode("Sqrt", [g.Mul(classes, centerness)]);
        return (boxes, scores, g.Flatten(g.GlobalAveragePool(c5)));
    }

    /// <summary>
    /// One <see cref="SharedHeadConv"/> layer at FPN level <paramref name="level"/>: the shared convolution with that
    /// level's batch norm folded in (one Conv per level, the weights differing only by the fold), then SiLU.
    /// </summary>
    private static string HeadLayer(OnnxGraphBuilder g, string x, string name, SharedHeadConv layer, int level, Dictionary<string, float[]> state)
    {
        string bn = $"{name}.{SharedHeadConv.LevelNorms[level]}";
        var (w, b) = BatchNormFolding.Fold(state[$"{name}.conv.weight"], [], state[$"{bn}.weight"], state[$"{bn}.bias"],
            state[$"{bn}.running_mean"], state[$"{bn}.running_var"], 1e-5);
        int c = layer.Channels;
        return g.Silu(g.Conv(x, g.AddInitializer($"{bn}.folded_weight", w, c, c, 3, 3), g.AddInitializer($"{bn}.folded_bias", b, c), 3, 3, 1, 1, 1));
    }

    /// <summary>A plain 1x1 Conv2d with bias (the head's output layers).</summary>
    private static string Head(OnnxGraphBuilder g, string x, string name, Dictionary<string, float[]> state)
    {
        var w = state[$"{name}.weight"];
        var b = state[$"{name}.bias"];
        int outC = b.Length, inC = w.Length / outC;
        return g.Conv(x, g.AddInitializer($"{name}.weight", w, outC, inC, 1, 1), g.AddInitializer($"{name}.bias", b, outC), 1, 1);
    }
}
