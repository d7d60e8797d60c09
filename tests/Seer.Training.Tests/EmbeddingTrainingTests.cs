using Seer.Training.Data;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Onnx;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Tests;

/// <summary>Task embed: P x K sampling, the metric losses on hand-made tensors, a few training steps, the ONNX graph.</summary>
public sealed class EmbeddingTrainingTests
{
    private static TrainingOptions Tiny(string loss, int epochs) => new()
    {
        Task = "embed", Architecture = "small-cnn", Width = 16, ImageSize = 16, Epochs = epochs, BatchSize = 12,
        LearningRate = 0.01, WeightDecay = 0, WarmupEpochs = 0, FlipProbability = 0, Translate = 0, Threads = 1, Seed = 7,
        Prefetch = 2, MetricLoss = loss, EmbeddingDim = 8, ClassesPerBatch = loss == "triplet" ? 3 : 0,
    };

    [Fact]
    public void PkSampler_FillsEachBatchWithPIdentitiesOfKImages()
    {
        int[] classes = [.. Enumerable.Range(0, 40).Select(i => i % 5)];
        int[] order = PkSampler.Order(classes, batchSize: 8, classesPerBatch: 2, seed: 1, epoch: 0);
        Assert.Equal(40, order.Length);
        for (int b = 0; b < 5; b++)
        {
            var batch = order.Skip(b * 8).Take(8).Select(i => classes[i]).ToList();
            var groups = batch.GroupBy(c => c).ToList();
            Assert.Equal(2, groups.Count);
            Assert.All(groups, g => Assert.Equal(4, g.Count()));
        }
        Assert.Equal(order, PkSampler.Order(classes, 8, 2, 1, 0));
        Assert.NotEqual(order, PkSampler.Order(classes, 8, 2, 1, 1));
    }

    [Fact]
    public void BatchHardTriplet_MatchesTheHandComputation()
    {
        // Unit vectors at 0°, 60° (identity 0) and 90°, 180° (identity 1); chord distance 2·sin(Δ/2).
        // a0: farthest positive 60° → 1; nearest negative 90° → √2. a1: positive 1; negative 90°−60°=30° → 2 sin 15°.
        // a2: positive 90° → √2; negative 60°→30° → 2 sin 15°. a3: positive √2; negative 60°→120° → √3.
        using var scope = NewDisposeScope();
        float[] angles = [0, 60, 90, 180];
        var e = tensor(angles.SelectMany(a => new[] { MathF.Cos(a * MathF.PI / 180), MathF.Sin(a * MathF.PI / 180) }).ToArray(), [4, 2]);
        var y = tensor(new long[] { 0, 0, 1, 1 });
        double s15 = 2 * Math.Sin(15 * Math.PI / 180);
        double expected = (Math.Max(0, 1 - Math.Sqrt(2) + 0.5) + Math.Max(0, 1 - s15 + 0.5) + Math.Max(0, Math.Sqrt(2) - s15 + 0.5)
            + Math.Max(0, Math.Sqrt(2) - Math.Sqrt(3) + 0.5)) / 4;
        Assert.Equal(expected, MetricLosses.BatchHardTriplet(e, y, 0.5).ToDouble(), 4);
    }

    [Fact]
    public void MarginSoftmax_WithoutMargin_IsCrossEntropyOfScaledCosines_AndAMarginRaisesTheLoss()
    {
        using var scope = NewDisposeScope();
        var e = tensor(new float[] { 3, 4, 1, 0 }, [2, 2]);
        var w = tensor(new float[] { 1, 0, 0, 2 }, [2, 2]);
        var y = tensor(new long[] { 1, 0 });
        // cosines: item 0 → [0.6, 0.8], item 1 → [1, 0]; logits s·cos with s = 10.
        double l0 = -Math.Log(Math.Exp(8) / (Math.Exp(6) + Math.Exp(8))), l1 = -Math.Log(Math.Exp(10) / (Math.Exp(10) + Math.Exp(0)));
        Assert.Equal((l0 + l1) / 2, MetricLosses.MarginSoftmax(e, w, y, 10, 0, angular: true).ToDouble(), 4);
        Assert.Equal((l0 + l1) / 2, MetricLosses.MarginSoftmax(e, w, y, 10, 0, angular: false).ToDouble(), 4);
        // CosFace m = 0.2: true logits 10·(0.8 − 0.2) and 10·(1 − 0.2).
        double c0 = -Math.Log(Math.Exp(6) / (Math.Exp(6) + Math.Exp(6))), c1 = -Math.Log(Math.Exp(8) / (Math.Exp(8) + Math.Exp(0)));
        Assert.Equal((c0 + c1) / 2, MetricLosses.MarginSoftmax(e, w, y, 10, 0.2, angular: false).ToDouble(), 4);
        // ArcFace m = 0.3: item 0's true logit 10·cos(acos 0.8 + 0.3); item 1 (θ = 0) 10·cos 0.3.
        double t0 = 10 * Math.Cos(Math.Acos(0.8) + 0.3), t1 = 10 * Math.Cos(0.3);
        double a0 = -Math.Log(Math.Exp(t0) / (Math.Exp(6) + Math.Exp(t0))), a1 = -Math.Log(Math.Exp(t1) / (Math.Exp(t1) + Math.Exp(0)));
        Assert.Equal((a0 + a1) / 2, MetricLosses.MarginSoftmax(e, w, y, 10, 0.3, angular: true).ToDouble(), 3);
    }

    [Fact]
    public void AdaCosScale_GrowsWithTheLogOfTheIdentities_AndHasAFloor()
    {
        Assert.Equal(Math.Sqrt(2) * Math.Log(149), MetricLosses.AdaCosScale(150), 10);
        Assert.Equal(7.08, MetricLosses.AdaCosScale(150), 2);
        Assert.Equal(9.77, MetricLosses.AdaCosScale(1000), 2);
        Assert.Equal(4.0, MetricLosses.AdaCosScale(3));
        Assert.Equal(4.0, MetricLosses.AdaCosScale(1));
    }

    [Fact]
    public void DefaultRecipe_AdaCosScale_ShuffledBatchesForClassLosses_PkForTriplet_AndExplicitSettingsWin()
    {
        string[] ids = [.. Enumerable.Range(0, 150).Select(i => $"id{i}")];
        var arc = new EmbeddingTrainer(Tiny("arcface", 1) with { ClassesPerBatch = 0 }, ids);
        Assert.Equal(MetricLosses.AdaCosScale(150), arc.Scale);
        Assert.Equal(0, arc.ClassesPerBatch);
        Assert.Equal(10, arc.Options.CentreLrScale);
        Assert.Equal(8, new EmbeddingTrainer(Tiny("triplet", 1) with { ClassesPerBatch = 0 }, ids).ClassesPerBatch);
        var set = new EmbeddingTrainer(Tiny("arcface", 1) with { MarginScale = 30, ClassesPerBatch = 4 }, ids);
        Assert.Equal(30, set.Scale);
        Assert.Equal(4, set.ClassesPerBatch);
    }

    [Fact]
    public void Optimizers_ApplyEveryDistinctLearningRateScale()
    {
        // Three parameters with gradient 1: scales 0.1 (a pretrained backbone), 1, 10 (class centres) in one optimizer.
        // AdamW's first step moves each by lr·scale (m̂/√v̂ = 1); SGD without momentum by lr·scale·grad.
        foreach (bool adam in new[] { true, false })
        {
            using var scope = NewDisposeScope();
            var ps = new[] { 0.1, 1.0, 10.0 }.Select(_ => new TorchSharp.Modules.Parameter(zeros(2))).ToArray();
            IStepOptimizer opt = adam
                ? new AdamWOptimizer(ps, weightDecay: 0, lrScales: [0.1, 1, 10])
                : new SgdOptimizer(ps, momentum: 0, weightDecay: 0, lrScales: [0.1, 1, 10]);
            using (opt)
            {
                foreach (var p in ps)
                {
                    p.sum().backward();
                }
                opt.Step(0.01);
            }
            Assert.Equal(-0.001, ps[0][0].ToDouble(), 6);
            Assert.Equal(-0.01, ps[1][0].ToDouble(), 6);
            Assert.Equal(-0.1, ps[2][0].ToDouble(), 5);
        }
    }

    [Fact]
    public void AdamW_CorrectsEachParameterFromItsOwnFirstStep_AndACheckpointKeepsTheCounts()
    {
        // A parameter without gradients for the first steps (a backbone frozen for its first epochs) must start as
        // Adam starts: its first update is lr (m̂/√v̂ = 1), not what the other parameters' step count would make of
        // it (0.58·lr at step 4, about 3·lr after many steps).
        using var scope = NewDisposeScope();
        var ps = new[] { new TorchSharp.Modules.Parameter(zeros(2)), new TorchSharp.Modules.Parameter(zeros(2)) };
        using var opt = new AdamWOptimizer(ps, weightDecay: 0);
        for (int step = 1; step <= 4; step++)
        {
            opt.ZeroGrad();
            ps[0].sum().backward();
            if (step == 4) ps[1].sum().backward();
            opt.Step(0.01);
        }
        Assert.Equal(-0.01, ps[1][0].ToDouble(), 6);
        Assert.Equal(-0.04, ps[0][0].ToDouble(), 6);

        // the counts survive a checkpoint: a loaded copy takes the same next step
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) opt.Save(writer);
        var copies = ps.Select(p => new TorchSharp.Modules.Parameter(p.detach().clone())).ToArray();
        using var loaded = new AdamWOptimizer(copies, weightDecay: 0);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved)) loaded.Load(reader);
        foreach (var (o, q) in new[] { (opt, ps), (loaded, copies) })
        {
            o.ZeroGrad();
            foreach (var p in q) (p.sum() * 3).backward();
            o.Step(0.01);
        }
        for (int i = 0; i < 2; i++) Assert.Equal(ps[i].data<float>().ToArray(), copies[i].data<float>().ToArray());
    }

    [Fact]
    public void OptimizerFactory_TrainsTheClassCentresAtCentreLrScale()
    {
        var options = TrainingOptionsLoader.WithTaskDefaults(Tiny("arcface", 1) with { LearningRate = 0.01 });
        using var net = (EmbeddingNet)ArchitectureRegistry.Create("small-cnn", 3, options);
        using var scope = NewDisposeScope();
        var before = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using (var opt = OptimizerFactory.Create(net, options))
        {
            foreach (var (_, p) in net.named_parameters()) p.sum().backward();
            opt.Step(0.01);
        }
        var moved = net.named_parameters().ToDictionary(p => p.name, p => (p.parameter - before[p.name]).abs().max().ToDouble());
        Assert.Equal(0.1, moved["head.weight"], 4);
        Assert.Equal(0.01, moved["neck.weight"], 4);
    }

    [Theory]
    [InlineData("arcface")]
    [InlineData("cosface")]
    [InlineData("softmax")]
    [InlineData("triplet")]
    public void AFewSteps_SeparateColourIdentities(string loss)
    {
        using var dir = new TempDir();
        var train = TestData.Colours(36, 16, seed: 11);
        var val = TestData.Colours(18, 16, seed: 12, name: "colours-val");
        var trainer = new EmbeddingTrainer(Tiny(loss, 4), train.Classes);
        var result = trainer.Run(new TrainingRunContext(train, val, dir.Path), CancellationToken.None);
        Assert.Equal("map_at_r", result.PrimaryMetric);
        Assert.True(result.PrimaryValue > 0.8, $"{loss}: map_at_r {result.PrimaryValue}");
        foreach (string key in new[] { "recall_at_1", "recall_at_5", "map_at_r", "tar_at_far", "threshold_at_far", "eer" })
            Assert.Contains(key, result.Metrics.Keys);
        Assert.True(result.Curves[^1].Loss < result.Curves[0].Loss, $"{loss}: loss {result.Curves[0].Loss} → {result.Curves[^1].Loss}");
        // the recipe in force is on every epoch's line of the training record
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "epochs.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.Equal(trainer.Margin, l.GetProperty("margin").GetDouble()));
        Assert.All(lines, l => Assert.Equal(loss == "triplet" ? 3 : 0, l.GetProperty("classes_per_batch").GetDouble()));
        if (loss is "arcface" or "cosface")
            Assert.All(lines, l => Assert.Equal(MetricLosses.AdaCosScale(3), l.GetProperty("margin_scale").GetDouble()));
        else
            Assert.All(lines, l => Assert.False(l.TryGetProperty("margin_scale", out _)));
    }

    [Fact]
    public void RegistryExportSpec_CarriesTheCalibratedThresholds()
    {
        var metrics = new Dictionary<string, object>
        {
            ["map_at_r"] = 0.5,
            ["threshold_at_far"] = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["1e-2"] = 0.31, ["1e-3"] = 0.42 }),
        };
        var record = new Seer.Training.Registry.ModelRecord
        {
            Id = "m1", Task = "embed", Architecture = "small-cnn", Classes = ["a", "b"], ImageSize = 16,
            TrainDataset = "t@1", ValDataset = "v@1", Parameters = Tiny("arcface", 1), Metrics = metrics,
        };
        var spec = RegistryOnnxExport.SpecFor(record);
        Assert.Equal(0.42f, spec.VerificationThresholds!["1e-3"]);
        var back = Seer.Core.Inference.InferenceSpec.FromProperties((spec with { OutputLayout = Seer.Core.Inference.OutputLayout.Embedding }).ToProperties(), "test");
        Assert.Equal(0.31f, back.VerificationThresholds!["1e-2"]);
        Assert.Null(RegistryOnnxExport.SpecFor(record with { Task = "classify", Metrics = [] }).VerificationThresholds);
    }

    [Fact]
    public void EmbeddingNet_GivesUnitVectors_AndExportsTheEmbeddingLayout()
    {
        using var dir = new TempDir();
        var options = TrainingOptionsLoader.WithTaskDefaults(Tiny("arcface", 1));
        using var net = (EmbeddingNet)ArchitectureRegistry.Create("small-cnn", 3, options);
        Assert.Equal(64, net.FeatureDimension);
        net.eval();
        using (var scope = NewDisposeScope())
        {
            var e = net.forward(randn(2, 3, 16, 16));
            Assert.Equal([2L, 8L], e.shape);
            Assert.Equal(1.0, e.square().sum(1).sqrt().min().ToDouble(), 4);
        }
        string path = Path.Combine(dir.Path, "embed.onnx");
        OnnxExporter.Export(net, new Seer.Core.Inference.InferenceSpec { Task = "embed", ClassNames = ["a", "b", "c"], InputWidth = 16, InputHeight = 16 }, path);
        string text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path));
        Assert.Contains("LpNormalization", text);
        Assert.Contains("embedding", text);
        Assert.DoesNotContain("head.weight", text);
    }
}
