using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Nn;
using Seer.Training.Options;
using TorchSharp;

namespace Seer.Training.Tests;

/// <summary>The ImageNet backbone (scripts/fetch-data.sh pretrained) imported into the store fine-tunes on a tiny set.</summary>
public sealed class PretrainedTrainingTests
{
    [Fact]
    public void ImportedBackbone_FineTunes_LossFallsAndMetricRises_BatchNormStaysFrozen()
    {
        using var store = new TempDir();
        using var run = new TempDir();
        string onnx = PretrainedWeights.FindImageNetOnnx(store.Path)
            ?? throw new InvalidOperationException("run scripts/fetch-data.sh pretrained");
        PretrainedRecord imported = PretrainedWeights.Import(onnx, "resnet18", "imagenet", store.Path);
        Assert.Equal(22, imported.Convs);
        Assert.Equal(["fc"], imported.NotImported);

        var train = TestData.Colours(32, 32, seed: 11);
        var val = TestData.Colours(24, 32, seed: 12, name: "val");
        var options = new TrainingOptions
        {
            Task = "classify", Architecture = "resnet18", Pretrained = "imagenet", ImageSize = 32, Epochs = 3, BatchSize = 8,
            LearningRate = 1e-3, WarmupEpochs = 0, Threads = 1, Seed = 5, EvalEvery = 1,
        };
        var trainer = new ClassificationTrainer(options, train.Classes);
        // before training: the network with the imported backbone and a fresh classifier
        double before;
        using (var fresh = trainer.CreateModel())
        {
            Assert.Equal(22 + 22 * 4, PretrainedWeights.Apply(imported.Path, fresh)); // 22 conv weights, 22 batch norms × 4 tensors
            before = Convert.ToDouble(trainer.Evaluate(fresh, val, torch.CPU, null, CancellationToken.None)["top1"], System.Globalization.CultureInfo.InvariantCulture);
        }
        var result = trainer.Run(new TrainingRunContext(train, val, run.Path) { PretrainedDirectory = store.Path }, CancellationToken.None);
        Assert.True(result.Curves[^1].Loss < result.Curves[0].Loss, $"loss {result.Curves[0].Loss} → {result.Curves[^1].Loss}");
        // 24 validation images: the metric must rise by at least 3 of them (a fresh head already gets some right)
        Assert.True(result.PrimaryValue > before + 0.1, $"top-1 {before} → {result.PrimaryValue}");

        // frozen statistics: the trained backbone kept the imported running means
        using var trained = trainer.CreateModel();
        Checkpoint.LoadWeights(result.BestWeightsPath, trained);
        using var reference = trainer.CreateModel();
        PretrainedWeights.Apply(imported.Path, reference);
        Assert.Equal(reference.state_dict()["stem.bn.running_mean"].data<float>().ToArray(), trained.state_dict()["stem.bn.running_mean"].data<float>().ToArray());
        Assert.Equal(reference.state_dict()["stem.conv.weight"].data<float>().ToArray(), trained.state_dict()["stem.conv.weight"].data<float>().ToArray()); // stem and stage 1 stay as pretrained
        Assert.NotEqual(reference.state_dict()["layer4_2.conv2.conv.weight"].data<float>().ToArray(), trained.state_dict()["layer4_2.conv2.conv.weight"].data<float>().ToArray());
    }

    [Fact]
    public void BackboneFreezeEpochs_WithoutPretrainedWeights_IsRefusedNamingTheSetting()
    {
        var train = TestData.Colours(8, 32, seed: 31);
        var options = new TrainingOptions { Task = "classify", Architecture = "small-cnn", ImageSize = 32, Epochs = 1, BackboneFreezeEpochs = 2 };
        var error = Assert.Throws<Seer.Core.Errors.SeerException>(() => new ClassificationTrainer(options, train.Classes));
        Assert.Contains("backboneFreezeEpochs 2 needs pretrained weights", error.Message);
    }

    [Fact]
    public void BackboneFreezeEpochs_KeepsTheBackboneAsImported_ThenFineTunesIt()
    {
        using var store = new TempDir();
        string onnx = PretrainedWeights.FindImageNetOnnx(store.Path)
            ?? throw new InvalidOperationException("run scripts/fetch-data.sh pretrained");
        PretrainedRecord imported = PretrainedWeights.Import(onnx, "resnet18", "imagenet", store.Path);
        var train = TestData.Colours(32, 32, seed: 21);
        var val = TestData.Colours(16, 32, seed: 22, name: "val");
        const string Deep = "layer4_2.conv2.conv.weight";

        // the run's only evaluated epoch is its last: after the frozen epoch the backbone is as imported, one epoch later
        // it has trained too
        foreach (int epochs in new[] { 1, 2 })
        {
            using var run = new TempDir();
            var options = new TrainingOptions
            {
                Task = "classify", Architecture = "resnet18", Pretrained = "imagenet", ImageSize = 32, Epochs = epochs, BatchSize = 8,
                LearningRate = 1e-3, WarmupEpochs = 0, Threads = 1, Seed = 5, EvalEvery = epochs, BackboneFreezeEpochs = 1,
            };
            var trainer = new ClassificationTrainer(options, train.Classes);
            var result = trainer.Run(new TrainingRunContext(train, val, run.Path) { PretrainedDirectory = store.Path }, CancellationToken.None);
            Assert.Equal(epochs, result.BestEpoch);
            using var trained = trainer.CreateModel();
            Checkpoint.LoadWeights(result.BestWeightsPath, trained);
            using var reference = trainer.CreateModel();
            PretrainedWeights.Apply(imported.Path, reference);
            float[] deep = trained.state_dict()[Deep].data<float>().ToArray(), imported4 = reference.state_dict()[Deep].data<float>().ToArray();
            if (epochs == 1) Assert.Equal(imported4, deep);
            else Assert.NotEqual(imported4, deep);
        }
    }
}
