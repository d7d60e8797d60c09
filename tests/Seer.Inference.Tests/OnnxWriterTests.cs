using Microsoft.ML.OnnxRuntime;
using Seer.Core.Inference;
using Seer.Training.Onnx;

namespace Seer.Inference.Tests;

/// <summary>Models written by Seer's hand-made protobuf writer load in ONNX Runtime and compute what the layers mean.</summary>
public sealed class OnnxWriterTests
{
    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();
    }

    private static float[] Run(OnnxGraphBuilder g, float[] input, long[] shape, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var session = new InferenceSession(OnnxModelWriter.ToBytes(g, metadata));
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [g.Inputs[0].Name], [x], [g.Outputs[0].Name]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void ConvReluGlobalPoolLinear_MatchesAHandComputedReference()
    {
        const int cin = 2, cout = 3, s = 5, classes = 2;
        var input = Random(cin * s * s, 1);
        var w = Random(cout * cin * 9, 2);
        var b = Random(cout, 3);
        var fw = Random(classes * cout, 4);
        var fb = Random(classes, 5);

        var g = new OnnxGraphBuilder();
        string x = g.AddInput("x", OnnxElementType.Float, [null, cin, s, s]);
        string y = g.Relu(g.Conv(x, g.AddInitializer("w", w, cout, cin, 3, 3), g.AddInitializer("b", b, cout), 3, 3, padH: 1, padW: 1));
        y = g.Linear(g.Flatten(g.GlobalAveragePool(y)), g.AddInitializer("fw", fw, classes, cout), g.AddInitializer("fb", fb, classes));
        g.AddOutput(y, "logits", OnnxElementType.Float, [null, classes]);
        var actual = Run(g, input, [1, cin, s, s]);

        var pooled = new double[cout];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++)
            {
                double acc = b[o];
                for (int c = 0; c < cin; c++)
                for (int ki = 0; ki < 3; ki++)
                for (int kj = 0; kj < 3; kj++)
                {
                    int yi = i + ki - 1, xj = j + kj - 1;
                    if (yi < 0 || yi >= s || xj < 0 || xj >= s) continue;
                    acc += w[((o * cin + c) * 3 + ki) * 3 + kj] * input[(c * s + yi) * s + xj];
                }
                pooled[o] += Math.Max(0, acc) / (s * s);
            }
        }
        for (int k = 0; k < classes; k++)
        {
            double expected = fb[k] + Enumerable.Range(0, cout).Sum(o => fw[k * cout + o] * pooled[o]);
            Assert.Equal(expected, actual[k], 5);
        }
    }

    [Fact]
    public void FoldedBatchNorm_EqualsAnExplicitBatchNormalizationNode()
    {
        const int cin = 3, cout = 4, s = 6;
        var w = Random(cout * cin * 9, 10);
        var gamma = Random(cout, 11).Select(v => v + 1.5f).ToArray();
        var beta = Random(cout, 12);
        var mean = Random(cout, 13);
        var variance = Random(cout, 14).Select(v => v * v + 0.1f).ToArray();
        var input = Random(2 * cin * s * s, 15);

        var explicitGraph = new OnnxGraphBuilder();
        string x = explicitGraph.AddInput("x", OnnxElementType.Float, [null, cin, s, s]);
        string c = explicitGraph.Conv(x, explicitGraph.AddInitializer("w", w, cout, cin, 3, 3), null, 3, 3, stride: 2, padH: 1, padW: 1);
        string bn = explicitGraph.BatchNormalization(c, explicitGraph.AddInitializer("g", gamma, cout), explicitGraph.AddInitializer("b", beta, cout),
            explicitGraph.AddInitializer("m", mean, cout), explicitGraph.AddInitializer("v", variance, cout), 1e-5f);
        explicitGraph.AddOutput(explicitGraph.Silu(bn), "y", OnnxElementType.Float, [null, cout, 3, 3]);

        var (fw, fb) = BatchNormFolding.Fold(w, [], gamma, beta, mean, variance, 1e-5);
        var folded = new OnnxGraphBuilder();
        x = folded.AddInput("x", OnnxElementType.Float, [null, cin, s, s]);
        c = folded.Conv(x, folded.AddInitializer("w", fw, cout, cin, 3, 3), folded.AddInitializer("b", fb, cout), 3, 3, stride: 2, padH: 1, padW: 1);
        folded.AddOutput(folded.Silu(c), "y", OnnxElementType.Float, [null, cout, 3, 3]);

        var a = Run(explicitGraph, input, [2, cin, s, s]);
        var b = Run(folded, input, [2, cin, s, s]);
        Assert.Equal(2 * cout * 9, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-5, $"{i}: {a[i]} vs {b[i]}");
    }

    [Fact]
    public void UpsamplePoolsConcatAndMetadata_BehaveAsPyTorch()
    {
        var g = new OnnxGraphBuilder();
        string x = g.AddInput("x", OnnxElementType.Float, [1, 1, 4, 4]);
        string max = g.MaxPool(x, 2, 2);                     // [1,1,2,2]
        string avg = g.AveragePool(x, 2, 2);                 // [1,1,2,2]
        string up = g.UpsampleNearest(g.Add(max, avg), 2);   // [1,1,4,4]
        string cat = g.Concat([up, x], 1);                   // [1,2,4,4]
        g.AddOutput(cat, "y", OnnxElementType.Float, [1, 2, 4, 4]);
        var spec = new InferenceSpec { Task = "detect", ClassNames = ["cat", "dog"], InputWidth = 4, InputHeight = 4, OutputLayout = OutputLayout.YoloV8 };
        var input = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();

        byte[] bytes = OnnxModelWriter.ToBytes(g, spec.ToProperties());
        using var session = new InferenceSession(bytes);
        var roundTrip = InferenceSpec.FromProperties(session.ModelMetadata.CustomMetadataMap, "test");
        Assert.Equal(spec.ClassNames, roundTrip.ClassNames);
        Assert.Equal(spec with { ClassNames = roundTrip.ClassNames, Mean = roundTrip.Mean, Std = roundTrip.Std, OutputNames = roundTrip.OutputNames }, roundTrip);
        Assert.Equal("seer", session.ModelMetadata.ProducerName);

        var y = Run(g, input, [1, 1, 4, 4]);
        // top-left 2x2 block of x is 0,1,4,5: max 5, mean 2.5 -> 7.5 repeated over the upsampled 2x2 block.
        Assert.Equal([7.5f, 7.5f, 11.5f, 11.5f, 7.5f, 7.5f, 11.5f, 11.5f], y[..8]);
        Assert.Equal(27.5f, y[15]); // 10,11,14,15: max 15 + mean 12.5
        Assert.Equal(input, y[16..]);
    }

    [Fact]
    public void WriterRefusesDanglingInputsAndWritesAtomically()
    {
        var g = new OnnxGraphBuilder();
        string x = g.AddInput("x", OnnxElementType.Float, [1, 1]);
        Assert.Throws<ArgumentException>(() => g.Add(x, "nowhere"));
        g.AddOutput(g.Relu(x), "y", OnnxElementType.Float, [1, 1]);
        string dir = TestPaths.TempDir();
        try
        {
            string path = Path.Combine(dir, "sub", "m.onnx");
            OnnxModelWriter.Write(g, path);
            Assert.Equal(["m.onnx"], Directory.GetFiles(Path.Combine(dir, "sub")).Select(Path.GetFileName));
            using var session = new InferenceSession(path);
            Assert.Equal(["x"], session.InputMetadata.Keys);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
